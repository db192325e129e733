import { describe, expect, it } from 'vitest';
import { SA } from '../../workflows/search-attributes.js';
import { ScopeCache, scopeOfPairs, type Scope } from '../../api/scope-cache.js';

const scope = (party: string): Scope => ({ parties: [party], regionScope: ['44'] });

describe('the API’s cache of procedure scopes', () => {
  it('holds at most its bound, dropping the least recently stored; a stored scope replaces the board’s', () => {
    const board = new Map([['p-board', scope('from-board')]]);
    const cache = new ScopeCache((id) => board.get(id), 2);
    cache.set('p1', scope('a'));
    cache.set('p2', scope('b'));
    cache.set('p1', scope('a2')); // stored again: now the most recent
    cache.set('p3', scope('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('p2')).toBeUndefined();
    expect(cache.get('p1')?.parties).toEqual(['a2']);
    expect(cache.get('p3')?.parties).toEqual(['c']);
    expect(cache.get('p-board')?.parties).toEqual(['from-board']);
    cache.set('p-board', scope('described'));
    expect(cache.get('p-board')?.parties).toEqual(['described']);
  });

  it('reads the scope from the attributes a prepared start sets', () => {
    const pairs = [
      { key: SA.kind, value: 'leak' },
      { key: SA.parties, value: ['org-1', 'auth-440000'] },
      { key: SA.regionScope, value: ['44', '4401'] },
    ];
    expect(scopeOfPairs(pairs)).toEqual({ parties: ['org-1', 'auth-440000'], regionScope: ['44', '4401'] });
    expect(scopeOfPairs([])).toEqual({ parties: [], regionScope: [] });
  });
});
