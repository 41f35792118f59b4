import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { notFound, unprocessable } from '../common/problem';
import { RankWeights } from './eligibility';
import { RankPolicy } from './rank-policy.entity';
import { RankPolicyDto, RankPolicyView } from './ranking.dto';
import { RankingRepository } from './ranking.repository';

/** Rank policies are append-only versions: a change is a new version, old ones stay readable forever. */
@Injectable()
export class RankPolicyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: RankingRepository,
    private readonly audit: AuditService,
  ) {}

  async latest(manager?: EntityManager): Promise<RankPolicy> {
    const policy = await this.repository.latestPolicy(manager);
    if (!policy) throw notFound('Rank policy');
    return policy;
  }

  async get(version: number, manager?: EntityManager): Promise<RankPolicy> {
    const policy = isVersion(version) ? await this.repository.policy(version, manager) : null;
    if (!policy) throw notFound('Rank policy version', String(version));
    return policy;
  }

  /** For a `policyVersion` query parameter: the latest when left out, 422 when it names no version. */
  async resolve(version: number | undefined, manager?: EntityManager): Promise<RankPolicy> {
    if (version === undefined) return this.latest(manager);
    const policy = isVersion(version) ? await this.repository.policy(version, manager) : null;
    if (!policy) {
      throw unprocessable(`Rank policy version ${version} does not exist`, [
        { field: 'policyVersion', message: 'no such rank policy version' },
      ]);
    }
    return policy;
  }

  async versions(): Promise<RankPolicyView[]> {
    const policies = await this.repository.policies();
    return policies.map(toView);
  }

  async create(dto: RankPolicyDto, actor: Actor): Promise<RankPolicyView> {
    const weights: RankWeights = {
      typeWeight: { ...dto.typeWeight },
      tierWeight: { ...dto.tierWeight },
      halfLifeYears: dto.halfLifeYears,
      windowYears: dto.windowYears,
      careerBonus: { ...dto.careerBonus },
    };
    return this.dataSource.transaction(async (manager) => {
      const policy = await this.repository.insertPolicy(manager, { weights, note: dto.note ?? null, createdBy: actor.id });
      const view = toView(policy);
      await this.audit.record(manager, actor, {
        action: 'rank-policy.create',
        entity: 'rank_policy',
        entityId: String(policy.version),
        after: { version: view.version, weights: view.weights, note: view.note },
      });
      return view;
    });
  }
}

export function toView(policy: RankPolicy): RankPolicyView {
  return {
    version: policy.version,
    weights: policy.weights,
    note: policy.note,
    createdAt: policy.createdAt,
    createdBy: policy.createdBy,
  };
}

const isVersion = (version: number) => Number.isInteger(version) && version >= 1 && version <= 2_147_483_647;
