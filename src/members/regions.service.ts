import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { COUNTRIES } from '../common/countries';
import { conflict, notFound, unprocessable } from '../common/problem';
import { MembersRepository } from './members.repository';
import { CreateRegionDto, RegionDataQualityView, RegionView, UpdateRegionDto } from './regions.dto';

export const UNASSIGNED = 'UNASSIGNED';

@Injectable()
export class RegionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MembersRepository,
    private readonly audit: AuditService,
  ) {}

  list(): Promise<RegionView[]> {
    return this.members.regions();
  }

  async get(code: string, manager: EntityManager = this.dataSource.manager): Promise<RegionView> {
    const region = await this.members.region(code, manager);
    if (!region) throw notFound('Region', code);
    return region;
  }

  async create(dto: CreateRegionDto, actor: Actor): Promise<RegionView> {
    if (dto.code === UNASSIGNED) throw conflict('Region UNASSIGNED already exists');
    return this.dataSource.transaction(async (manager) => {
      await this.members.queueRegionEdit(manager);
      const taken = await this.members.regionWithCodeOrName(manager, dto.code, dto.name);
      if (taken) throw conflict(`A region with code ${dto.code} or name ${dto.name} already exists`);
      await this.members.insertRegion(manager, { code: dto.code, name: dto.name, position: dto.position ?? null }, UNASSIGNED);
      await this.members.keepLast(manager, UNASSIGNED);
      const moved = await this.members.assignCountries(manager, dto.code, dto.countries);
      const after = await this.get(dto.code, manager);
      await this.audit.record(manager, actor, {
        action: 'region.create',
        entity: 'region',
        entityId: dto.code,
        after: { ...after, moved },
      });
      return after;
    });
  }

  async update(code: string, dto: UpdateRegionDto, actor: Actor): Promise<RegionView> {
    if (code === UNASSIGNED) {
      throw unprocessable('Unassigned holds the countries of no region; give a country to a region instead');
    }
    return this.dataSource.transaction(async (manager) => {
      await this.members.queueRegionEdit(manager);
      const before = await this.get(code, manager);
      if (dto.name !== undefined && dto.name !== before.name) {
        const taken = await this.members.otherRegionCalled(manager, dto.name, code);
        if (taken) throw conflict(`Region ${taken.code} is already called ${dto.name}`);
      }
      await this.members.updateRegion(manager, code, { name: dto.name ?? null, position: dto.position ?? null });
      const unassigned = await this.members.releaseCountries(manager, code, dto.countries);
      const moved = await this.members.assignCountries(manager, code, dto.countries);
      const after = await this.get(code, manager);
      await this.audit.record(manager, actor, {
        action: 'region.update',
        entity: 'region',
        entityId: code,
        before,
        after: { ...after, moved, unassigned },
      });
      return after;
    });
  }

  /** Countries of institutes that fall in no region: what an admin should map next. */
  async dataQuality(): Promise<RegionDataQualityView> {
    const unassigned = await this.members.countriesIn(UNASSIGNED);
    const withNames = unassigned.map((row) => ({
      country: row.country,
      countryName: COUNTRIES[row.country] ?? row.country,
      institutes: row.institutes,
      members: row.members,
      instituteNames: row.instituteNames,
    }));
    return {
      unassigned: withNames,
      unassignedInstitutes: withNames.reduce((n, r) => n + r.institutes, 0),
      unassignedMembers: withNames.reduce((n, r) => n + r.members, 0),
    };
  }
}
