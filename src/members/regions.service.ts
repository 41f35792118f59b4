import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { COUNTRIES } from '../common/countries';
import { conflict, notFound, unprocessable } from '../common/problem';
import { CreateRegionDto, RegionDataQualityView, RegionView, UpdateRegionDto } from './regions.dto';

export const UNASSIGNED = 'UNASSIGNED';

const REGION_VIEW = `
  SELECT r.code, r.name,
    COALESCE((SELECT array_agg(rc.country::text ORDER BY rc.country) FROM region_country rc WHERE rc.region_code = r.code), '{}') AS countries,
    COALESCE((SELECT array_agg(i.name ORDER BY i.name) FROM institute i WHERE i.region_override = r.code), '{}') AS institutes
  FROM region r`;

@Injectable()
export class RegionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<RegionView[]> {
    return this.dataSource.query(`${REGION_VIEW} ORDER BY r.position, r.code`);
  }

  async get(code: string, manager: EntityManager = this.dataSource.manager): Promise<RegionView> {
    const [region] = await manager.query(`${REGION_VIEW} WHERE r.code = $1`, [code]);
    if (!region) throw notFound('Region', code);
    return region;
  }

  async create(dto: CreateRegionDto, actor: Actor): Promise<RegionView> {
    if (dto.code === UNASSIGNED) throw conflict('Region UNASSIGNED already exists');
    return this.dataSource.transaction(async (manager) => {
      // Region edits are rare; one at a time keeps positions and country moves simple to reason about.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('region-scheme'))`);
      const [taken] = await manager.query(`SELECT code FROM region WHERE code = $1 OR lower(name) = lower($2)`, [dto.code, dto.name]);
      if (taken) throw conflict(`A region with code ${dto.code} or name ${dto.name} already exists`);
      await manager.query(
        `INSERT INTO region (code, name, position)
         VALUES ($1, $2, COALESCE($3, (SELECT COALESCE(max(position), -1) + 1 FROM region WHERE code <> $4)))`,
        [dto.code, dto.name, dto.position ?? null, UNASSIGNED],
      );
      await this.keepUnassignedLast(manager);
      const moved = await this.assignCountries(manager, dto.code, dto.countries);
      const after = await this.get(dto.code, manager);
      await this.audit.record(manager, actor, {
        action: 'region.create', entity: 'region', entityId: dto.code, after: { ...after, moved },
      });
      return after;
    });
  }

  async update(code: string, dto: UpdateRegionDto, actor: Actor): Promise<RegionView> {
    if (code === UNASSIGNED) {
      throw unprocessable('Unassigned holds the countries of no region; give a country to a region instead');
    }
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('region-scheme'))`);
      const before = await this.get(code, manager);
      if (dto.name !== undefined && dto.name !== before.name) {
        const [taken] = await manager.query(`SELECT code FROM region WHERE lower(name) = lower($1) AND code <> $2`, [dto.name, code]);
        if (taken) throw conflict(`Region ${taken.code} is already called ${dto.name}`);
      }
      await manager.query(
        `UPDATE region SET name = COALESCE($2, name), position = COALESCE($3, position) WHERE code = $1`,
        [code, dto.name ?? null, dto.position ?? null],
      );
      const unassigned: string[] = (await manager.query(
        `DELETE FROM region_country WHERE region_code = $1 AND NOT (country = ANY ($2::text[])) RETURNING country::text`,
        [code, dto.countries],
      )).map((r: { country: string }) => r.country).sort();
      const moved = await this.assignCountries(manager, code, dto.countries);
      const after = await this.get(code, manager);
      await this.audit.record(manager, actor, {
        action: 'region.update', entity: 'region', entityId: code, before, after: { ...after, moved, unassigned },
      });
      return after;
    });
  }

  /** Countries of institutes that fall in no region: what an admin should map next. */
  async dataQuality(): Promise<RegionDataQualityView> {
    const unassigned = await this.dataSource.query(
      `SELECT i.country::text AS country, count(*)::int AS institutes,
              COALESCE(sum(m.members), 0)::int AS members,
              array_agg(i.name ORDER BY i.name) AS "instituteNames"
       FROM institute i
       JOIN institute_region ir ON ir.institute_id = i.id
       LEFT JOIN LATERAL (
         SELECT count(*) AS members FROM member m
         WHERE m.institute_id = i.id AND (m.left_on IS NULL OR m.left_on > current_date)
       ) m ON true
       WHERE ir.region_code = $1
       GROUP BY i.country
       ORDER BY members DESC, i.country`,
      [UNASSIGNED],
    );
    const withNames = unassigned.map((row: { country: string; institutes: number; members: number; instituteNames: string[] }) => ({
      country: row.country, countryName: COUNTRIES[row.country] ?? row.country,
      institutes: row.institutes, members: row.members, instituteNames: row.instituteNames,
    }));
    return {
      unassigned: withNames,
      unassignedInstitutes: withNames.reduce((n: number, r: { institutes: number }) => n + r.institutes, 0),
      unassignedMembers: withNames.reduce((n: number, r: { members: number }) => n + r.members, 0),
    };
  }

  /** Puts the countries in the region, moving them from wherever they were; returns the moves. */
  private async assignCountries(manager: EntityManager, code: string, countries: string[]) {
    if (countries.length === 0) return [];
    const moved: { country: string; from: string }[] = await manager.query(
      `SELECT country::text AS country, region_code AS "from" FROM region_country
       WHERE country = ANY ($1::text[]) AND region_code <> $2 ORDER BY country`,
      [countries, code],
    );
    await manager.query(
      `INSERT INTO region_country (country, region_code) SELECT unnest($1::text[]), $2
       ON CONFLICT (country) DO UPDATE SET region_code = EXCLUDED.region_code`,
      [countries, code],
    );
    return moved;
  }

  private async keepUnassignedLast(manager: EntityManager): Promise<void> {
    await manager.query(
      `UPDATE region SET position = (SELECT max(position) + 1 FROM region WHERE code <> $1)
       WHERE code = $1 AND position <= (SELECT max(position) FROM region WHERE code <> $1)`,
      [UNASSIGNED],
    );
  }
}
