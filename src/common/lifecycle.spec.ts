import { checkMove, LifecycleTable, movesFrom } from './lifecycle';

type S = 'open' | 'done' | 'gone';
const TABLE: LifecycleTable<S, 'owner' | 'clerk'> = {
  open: { done: ['owner', 'clerk'], gone: ['owner'] },
  done: { open: ['clerk'] },
  gone: {},
};

describe('lifecycle tables', () => {
  it('tells a move nobody may make from one that others may make', () => {
    expect(checkMove(TABLE, 'open', 'gone', ['owner'])).toEqual({ allowed: true });
    expect(checkMove(TABLE, 'open', 'gone', ['clerk'])).toEqual({ allowed: false, reason: 'forbidden', allowedFor: ['owner'] });
    expect(checkMove(TABLE, 'gone', 'open', ['owner', 'clerk'])).toEqual({ allowed: false, reason: 'illegal', allowedFor: [] });
  });

  it('lists the moves from a status, for anybody or for some actors', () => {
    expect(movesFrom(TABLE, 'open')).toEqual(['done', 'gone']);
    expect(movesFrom(TABLE, 'open', ['clerk'])).toEqual(['done']);
    expect(movesFrom(TABLE, 'gone')).toEqual([]);
  });
});
