// What a suggestion is computed from, as stored with it, and the translation both ways between that
// snapshot and the optimiser's terms. Creating and replaying a suggestion go through the same code.
import { Gender } from '../common/enums';
import type { Candidate } from '../ranking/ranking.service';
import { FixedOut, SlateAnswer, SlateProblem, SlateSolved, SlotChoice } from './slate-model';
import type { CreateSlateSuggestionDto, SlateSlotView, SlateSuggestionView } from './slates.dto';

export interface SlotSnapshot {
  id: string;
  title: string;
  seats: number;
  /** Seats held by invited/accepted allocations of people who are no longer nominees of the slot. */
  heldByOthers: number;
}

/** A nominee of one slot as the optimiser reads them: the candidate's own fields, for that slot. */
export type NomineeSnapshot = Pick<
  Candidate,
  'memberId' | 'name' | 'nominationId' | 'nominationStatus' | 'rank' | 'score' | 'careerStage' | 'region' | 'instituteId' | 'instituteName'
> & { slotId: string };

export interface SlateInputs {
  request: CreateSlateSuggestionDto;
  slots: SlotSnapshot[];
  nominees: NomineeSnapshot[];
  /** Every invited or accepted allocation of the conference's slots at that moment. */
  activeAllocations: Array<{ slotId: string; memberId: string }>;
}

/** The optimiser's problem; `genders` only when the request has a gender target. */
export function problemFrom(inputs: SlateInputs, genders: Record<string, Gender> | null): SlateProblem {
  const r = inputs.request;
  const nominated = new Set(inputs.nominees.map((n) => `${n.slotId}/${n.memberId}`));
  return {
    slots: inputs.slots.map((s) => ({ id: s.id, title: s.title, seats: Math.max(0, s.seats - s.heldByOthers) })),
    nominees: inputs.nominees.map((n) => ({
      slotId: n.slotId,
      memberId: n.memberId,
      name: n.name,
      score: n.score,
      shortlisted: n.nominationStatus === 'shortlisted',
      careerStage: n.careerStage,
      region: n.region,
      instituteId: n.instituteId,
      ...(genders?.[n.memberId] ? { gender: genders[n.memberId] } : {}),
    })),
    targets: {
      minCareerStage: r.minCareerStage,
      careerStages: r.careerStages,
      maxPerInstitute: r.maxPerInstitute,
      maxPerRegion: r.maxPerRegion,
      minPerRegion: r.minPerRegion,
      onePerPerson: r.onePerPerson,
      gender: r.gender,
    },
    fixedIn: r.fixedIn,
    fixedOut: r.fixedOut as FixedOut[] | undefined,
    allocated: inputs.activeAllocations.filter((a) => nominated.has(`${a.slotId}/${a.memberId}`)),
    shortlistWeight: r.objective === 'scoreWithShortlist' ? (r.shortlistWeight ?? 1) : 0,
  };
}

export function slateView(inputs: SlateInputs, slate: SlotChoice[]): SlateSlotView[] {
  const nominee = new Map(inputs.nominees.map((n) => [`${n.slotId}/${n.memberId}`, n]));
  const active = new Set(inputs.activeAllocations.map((a) => `${a.slotId}/${a.memberId}`));
  const slots = new Map(inputs.slots.map((s) => [s.id, s]));
  return slate.map((choice) => {
    const slot = slots.get(choice.slotId)!;
    return {
      slotId: slot.id,
      slotTitle: slot.title,
      seats: slot.seats,
      openSeats: choice.openSeats,
      speakers: choice.memberIds.map((memberId) => {
        const n = nominee.get(`${slot.id}/${memberId}`)!;
        return {
          memberId,
          name: n.name,
          rank: n.rank,
          score: n.score,
          careerStage: n.careerStage,
          region: n.region,
          instituteId: n.instituteId,
          instituteName: n.instituteName,
          shortlisted: n.nominationStatus === 'shortlisted',
          alreadyAllocated: active.has(`${slot.id}/${memberId}`),
        };
      }),
    };
  });
}

/** The stored answer: everything but the identity fields, which come from the row. */
export type SlateResult = Omit<
  SlateSuggestionView,
  'id' | 'conferenceId' | 'policyVersion' | 'request' | 'createdBy' | 'createdAt' | 'acceptedAt'
>;

export function resultView(inputs: SlateInputs, answer: SlateSolved): SlateResult {
  return {
    slate: slateView(inputs, answer.slate),
    objective: answer.objective,
    rankOnly: { objective: answer.rankOnly.objective, slate: slateView(inputs, answer.rankOnly.slate) },
    targetCost: answer.targetCost,
    bindingTargets: answer.bindingTargets.map((t) => ({ ...t, target: requestField(t.target) })),
    ...(answer.gender ? { gender: answer.gender } : {}),
  };
}

/** Conflicts named by request field; seats already given are one thing to the committee. */
export function conflictView(answer: Extract<SlateAnswer, { feasible: false }>): Array<{ target: string; description: string }> {
  return answer.conflict.map((c) => ({ target: requestField(c.target), description: c.description }));
}

function requestField(target: string): string {
  return target.startsWith('allocated:') ? 'existingAllocations' : target;
}
