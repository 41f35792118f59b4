// The one shape every lifecycle table has (nomination, allocation, incident): for each status, the
// statuses it may move to and who may make each move. Pure, so each table reads in one place and the
// checks behave alike for every lifecycle.

export type LifecycleTable<S extends string, A extends string> = Readonly<Record<S, Readonly<Partial<Record<S, readonly A[]>>>>>;

export type MoveCheck<A extends string> = { allowed: true } | { allowed: false; reason: 'illegal' | 'forbidden'; allowedFor: readonly A[] };

/**
 * `illegal`: nobody may make this move. `forbidden`: the move exists, but not for these actors. An
 * actor acting in several capacities may use any of them.
 */
export function checkMove<S extends string, A extends string>(
  table: LifecycleTable<S, A>,
  from: S,
  to: S,
  actors: readonly A[],
): MoveCheck<A> {
  const allowedFor = table[from][to];
  if (!allowedFor) return { allowed: false, reason: 'illegal', allowedFor: [] };
  if (!actors.some((actor) => allowedFor.includes(actor))) return { allowed: false, reason: 'forbidden', allowedFor };
  return { allowed: true };
}

/** Where a status can go: for anybody, or only for the given actors. */
export function movesFrom<S extends string, A extends string>(table: LifecycleTable<S, A>, from: S, actors?: readonly A[]): S[] {
  return (Object.entries(table[from]) as Array<[S, readonly A[]]>)
    .filter(([, who]) => !actors || actors.some((actor) => who.includes(actor)))
    .map(([to]) => to);
}
