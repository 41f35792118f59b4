import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rankings read every talk in the policy window (asOf - windowYears .. asOf) for the whole
 * collaboration. This index holds everything that read needs, so it is an index-only range scan
 * instead of a visit to every heap page of the talk table; created_at is included so replays with
 * `knownAt` stay index-only too.
 */
export class AddTalkRankingWindowIndex1764300000000 implements MigrationInterface {
  name = 'AddTalkRankingWindowIndex1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX talk_ranking_window_idx ON talk (date) INCLUDE (member_id, conference_id, talk_type, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX talk_ranking_window_idx`);
  }
}
