// The vocabularies fixed by the public contract. Kept in one place because the schema's CHECK
// constraints, the DTO validators, the rank policy and the reports all speak them.

// member: a person signed in through the identity provider (or an admin-linked account) reading their
// own record; do-chair: reads the diversity office's anonymous box; mentorship-coordinator: runs the
// mentorship programme's rounds (sign-ups, matching, publishing the pairs).
export const ROLES = ['admin', 'committee', 'nominator', 'monitor', 'contact', 'member', 'do-chair', 'mentorship-coordinator'] as const;
export type Role = (typeof ROLES)[number];

export const CAREER_STAGES = ['student', 'postdoc', 'nontenured', 'tenured', 'engineer', 'other'] as const;
export type CareerStage = (typeof CAREER_STAGES)[number];

export const GENDERS = ['woman', 'man', 'nonbinary', 'undisclosed'] as const;
export type Gender = (typeof GENDERS)[number];

export const TALK_TYPES = ['plenary', 'parallel', 'poster', 'summary', 'seminar'] as const;
export type TalkType = (typeof TALK_TYPES)[number];

export const CONFERENCE_TIERS = ['major', 'standard', 'minor'] as const;
export type ConferenceTier = (typeof CONFERENCE_TIERS)[number];

export const ALLOCATION_STATUSES = ['invited', 'accepted', 'declined', 'withdrawn', 'expired'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** What kind of reason a decline had, for the declines report; the free text stays with the committee. */
export const DECLINE_CATEGORIES = ['funding', 'travel', 'schedule', 'family', 'other'] as const;
export type DeclineCategory = (typeof DECLINE_CATEGORIES)[number];

export const NOMINATION_STATUSES = ['submitted', 'shortlisted', 'allocated', 'rejected', 'withdrawn'] as const;
export type NominationStatus = (typeof NOMINATION_STATUSES)[number];

// Leadership positions (issue 21): what kind of office, and which part of the collaboration it leads.
export const POSITION_KINDS = ['spokesperson', 'coordinator', 'convener', 'deputy', 'manager', 'chair', 'editor', 'other'] as const;
export type PositionKind = (typeof POSITION_KINDS)[number];

export const LEADERSHIP_AREAS = [
  'management',
  'physics',
  'detector',
  'upgrade',
  'computing',
  'operations',
  'publications',
  'outreach',
  'other',
] as const;
export type LeadershipArea = (typeof LEADERSHIP_AREAS)[number];

/** L1 is the top of the collaboration's leadership, L2 reports to L1, and so on. */
export const LEADERSHIP_LEVEL = /^L[1-9]$/;
