import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Page } from '../common/pagination';
import { conflict, notFound, unprocessable } from '../common/problem';
import { CreateInstituteDto, InstituteQuery, InstituteView, UpdateInstituteDto } from './institutes.dto';
import { MembersRepository } from './members.repository';

@Injectable()
export class InstitutesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersRepository,
    private readonly audit: AuditService,
  ) {}

  list(query: InstituteQuery): Promise<Page<InstituteView>> {
    return this.members.institutesPage(query);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<InstituteView> {
    const institute = await this.members.institute(id, manager);
    if (!institute) throw notFound('Institute', id);
    return institute;
  }

  async create(dto: CreateInstituteDto, actor: Actor): Promise<InstituteView> {
    return this.dataSource.transaction(async (manager) => {
      if (dto.region) await this.assertRegion(manager, dto.region);
      await this.assertNameFree(manager, dto.name);
      const id = await this.members.insertInstitute(manager, { name: dto.name, country: dto.country, regionOverride: dto.region ?? null });
      const after = await this.get(id, manager);
      await this.audit.record(manager, actor, { action: 'institute.create', entity: 'institute', entityId: id, after: summary(after) });
      return after;
    });
  }

  async update(id: string, dto: UpdateInstituteDto, actor: Actor): Promise<InstituteView> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.members.lockInstitute(manager, id))) throw notFound('Institute', id);
      const before = await this.get(id, manager);
      if (dto.region) await this.assertRegion(manager, dto.region);
      if (dto.name !== undefined && dto.name.toLowerCase() !== before.name.toLowerCase()) await this.assertNameFree(manager, dto.name);
      await this.members.updateInstitute(manager, id, {
        name: dto.name ?? null,
        country: dto.country ?? null,
        setRegion: dto.region !== undefined,
        regionOverride: dto.region ?? null,
      });
      const after = await this.get(id, manager);
      await this.audit.record(manager, actor, {
        action: 'institute.update',
        entity: 'institute',
        entityId: id,
        before: summary(before),
        after: summary(after),
      });
      return after;
    });
  }

  private async assertRegion(manager: EntityManager, code: string): Promise<void> {
    if (!(await this.members.regionExists(manager, code))) {
      throw unprocessable(`Region ${code} does not exist`, [{ field: 'region', message: `unknown region ${code}` }]);
    }
  }

  private async assertNameFree(manager: EntityManager, name: string): Promise<void> {
    const taken = await this.members.instituteNamed(manager, name);
    if (taken) throw conflict(`Institute ${taken.name} already exists`, { instituteId: taken.id });
  }
}

function summary({ members: _members, ...institute }: InstituteView) {
  return institute;
}
