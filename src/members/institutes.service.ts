import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, unprocessable } from '../common/problem';
import { CreateInstituteDto, InstituteQuery, InstituteView, UpdateInstituteDto } from './institutes.dto';
import { likePattern } from './members.sql';

const INSTITUTE_VIEW = `
  SELECT i.id, i.name, i.country::text AS country, ir.region_code AS region, i.region_override AS "regionOverride",
    (SELECT count(*)::int FROM member m
     WHERE m.institute_id = i.id AND (m.left_on IS NULL OR m.left_on > current_date)) AS members
  FROM institute i JOIN institute_region ir ON ir.institute_id = i.id`;

@Injectable()
export class InstitutesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: InstituteQuery): Promise<Page<InstituteView>> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.country) where.push(`i.country = $${params.push(query.country)}`);
    if (query.region) where.push(`ir.region_code = $${params.push(query.region)}`);
    if (query.q) where.push(`i.name ILIKE $${params.push(likePattern(query.q))}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM institute i JOIN institute_region ir ON ir.institute_id = i.id ${filter}`, params,
    );
    const items = await this.dataSource.query(
      `${INSTITUTE_VIEW} ${filter} ORDER BY lower(i.name), i.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return { items, total, limit: query.limit, offset: query.offset };
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<InstituteView> {
    const [institute] = await manager.query(`${INSTITUTE_VIEW} WHERE i.id = $1`, [id]);
    if (!institute) throw notFound('Institute', id);
    return institute;
  }

  async create(dto: CreateInstituteDto, actor: Actor): Promise<InstituteView> {
    return this.dataSource.transaction(async (manager) => {
      if (dto.region) await this.assertRegion(manager, dto.region);
      await this.assertNameFree(manager, dto.name);
      const [{ id }] = await manager.query(
        `INSERT INTO institute (name, country, region_override) VALUES ($1, $2, $3) RETURNING id`,
        [dto.name, dto.country, dto.region ?? null],
      );
      const after = await this.get(id, manager);
      await this.audit.record(manager, actor, { action: 'institute.create', entity: 'institute', entityId: id, after: summary(after) });
      return after;
    });
  }

  async update(id: string, dto: UpdateInstituteDto, actor: Actor): Promise<InstituteView> {
    return this.dataSource.transaction(async (manager) => {
      const [locked] = await manager.query(`SELECT id FROM institute WHERE id = $1 FOR UPDATE`, [id]);
      if (!locked) throw notFound('Institute', id);
      const before = await this.get(id, manager);
      if (dto.region) await this.assertRegion(manager, dto.region);
      if (dto.name !== undefined && dto.name.toLowerCase() !== before.name.toLowerCase()) await this.assertNameFree(manager, dto.name);
      await manager.query(
        `UPDATE institute SET
           name = COALESCE($2, name),
           country = COALESCE($3, country),
           region_override = CASE WHEN $4 THEN $5 ELSE region_override END,
           updated_at = now()
         WHERE id = $1`,
        [id, dto.name ?? null, dto.country ?? null, dto.region !== undefined, dto.region ?? null],
      );
      const after = await this.get(id, manager);
      await this.audit.record(manager, actor, {
        action: 'institute.update', entity: 'institute', entityId: id, before: summary(before), after: summary(after),
      });
      return after;
    });
  }

  private async assertRegion(manager: EntityManager, code: string): Promise<void> {
    const [region] = await manager.query(`SELECT 1 FROM region WHERE code = $1`, [code]);
    if (!region) throw unprocessable(`Region ${code} does not exist`, [{ field: 'region', message: `unknown region ${code}` }]);
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    const [taken] = await manager.query(`SELECT id, name FROM institute WHERE lower(name) = lower($1)`, [name]);
    if (taken) throw conflict(`Institute ${taken.name} already exists`, { instituteId: taken.id });
  }
}

function summary({ members: _members, ...institute }: InstituteView) {
  return institute;
}
