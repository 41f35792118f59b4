// The SQL of open calls and their nominations. Reads leadership_call, leadership_position,
// leadership_nomination, leadership_appointment, member, app_user; writes leadership_call and
// leadership_nomination.
import { POSITION_COLUMNS } from './positions.repository';

/** A call with its position; `$2` says whether the reader sees the committee's rationale. */
export const CALL_SELECT = `
  SELECT c.id, (SELECT to_jsonb(x) FROM (SELECT ${POSITION_COLUMNS} FROM leadership_position p WHERE p.id = c.position_id) x) AS position,
         c.opens_on AS "opensOn", c.deadline, c.term_starts_on AS "termStartsOn", c.note, c.status,
         (c.status = 'open' AND c.deadline >= $1::date) AS "acceptingNominations",
         (SELECT count(*)::int FROM leadership_nomination n WHERE n.call_id = c.id AND n.status <> 'withdrawn') AS nominations,
         (SELECT jsonb_build_object('appointmentId', a.id, 'memberId', a.member_id, 'memberName', m.name, 'decidedAt', c.decided_at)
                 || CASE WHEN $2::boolean THEN jsonb_build_object('rationale', c.rationale) ELSE '{}'::jsonb END
          FROM leadership_appointment a JOIN member m ON m.id = a.member_id WHERE a.call_id = c.id) AS decision,
         c.created_at AS "createdAt", c.version
  FROM leadership_call c`;

export const NOMINATION_SELECT = `
  SELECT n.id, n.call_id AS "callId", n.member_id AS "memberId", m.name AS "memberName", n.nominator_id AS "nominatorId",
         (n.nominator_member_id IS NOT DISTINCT FROM n.member_id) AS "selfNomination", n.statement, n.status,
         n.created_at AS "createdAt"
  FROM leadership_nomination n JOIN member m ON m.id = n.member_id`;

/** Who hears the outcome of a call: every nominee and every nominator (once, for a self-nomination). */
export const OUTCOME_RECIPIENTS = `
  SELECT n.id, n.member_id AS "memberId", m.name AS "nomineeName", m.email AS "nomineeEmail",
         u.name AS "nominatorName", u.email AS "nominatorEmail", (n.nominator_member_id IS NOT DISTINCT FROM n.member_id) AS "selfNomination"
  FROM leadership_nomination n JOIN member m ON m.id = n.member_id JOIN app_user u ON u.id = n.nominator_id
  WHERE n.call_id = $1 AND n.status <> 'withdrawn'
  ORDER BY n.created_at, n.id`;
