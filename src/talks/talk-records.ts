// Where the allocations feature finds the talk an accepted allocation becomes; the SQL is the talks
// repository's.
export { insertTalkFromAllocation } from './talks.repository';
