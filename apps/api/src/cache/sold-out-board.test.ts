import { describe, expect, it } from 'vitest';
import { SoldOutBoard } from './sold-out-board.js';

const on = () => {
  const board = new SoldOutBoard();
  board.setEnabled(true);
  return board;
};

describe('SoldOutBoard', () => {
  it('knows a product sold out when nothing is available, held units included', () => {
    const board = on();
    board.note({ id: 'a', version: 3, stock: 5, available: 0 });
    board.note({ id: 'b', version: 3, stock: 0 });
    board.note({ id: 'c', version: 3, stock: 5, available: 2 });
    expect(['a', 'b', 'c', 'unknown'].map((id) => board.isSoldOut(id))).toEqual([true, true, false, false]);
  });

  it('keeps the newest version whatever order the states arrive in', () => {
    const board = on();
    board.note({ id: 'a', version: 7, stock: 4, available: 4 });
    board.note({ id: 'a', version: 6, stock: 0, available: 0 });
    expect(board.isSoldOut('a')).toBe(false);
    board.note({ id: 'a', version: 8, stock: 4, available: 0 });
    board.note({ id: 'a', version: 8, stock: 4, available: 4 });
    expect(board.isSoldOut('a')).toBe(true);
    board.note({ id: 'a', version: 9, stock: 10, available: 6 });
    expect(board.isSoldOut('a')).toBe(false);
  });

  it('reads product events, and a deletion as not sold out (the product is gone)', () => {
    const board = on();
    board.noteEvent('stock.changed', { id: 'a', version: 2, stock: 1, available: 0, name: 'x' });
    expect(board.isSoldOut('a')).toBe(true);
    board.noteEvent('product.deleted', { id: 'a', version: 3, sku: 'S', category: 'c' });
    expect(board.isSoldOut('a')).toBe(false);
    board.noteEvent('stock.changed', { id: 'a', version: 2, stock: 0 });
    expect(board.isSoldOut('a')).toBe(false);
    board.noteEvent('order.paid', { id: 'b', version: 1, stock: 0 });
    board.noteEvent('stock.changed', { id: 'c', stock: 0 });
    expect([board.isSoldOut('b'), board.isSoldOut('c')]).toEqual([false, false]);
  });

  it('knows nothing while off, and comes back empty', () => {
    const board = new SoldOutBoard();
    board.note({ id: 'a', version: 1, stock: 0 });
    expect(board.isSoldOut('a')).toBe(false);
    board.setEnabled(true);
    board.note({ id: 'a', version: 1, stock: 0 });
    board.setEnabled(false);
    board.setEnabled(true);
    expect(board.isSoldOut('a')).toBe(false);
    expect(board.size).toBe(0);
  });

  it('tells the requests watching a product once, when a newer state says it is sold out', () => {
    const board = on();
    const told: string[] = [];
    board.note({ id: 'a', version: 2, stock: 5, available: 1 });
    board.whenSoldOut('a', () => told.push('first'));
    const stop = board.whenSoldOut('a', () => told.push('stopped'));
    board.whenSoldOut('b', () => told.push('other product'));
    stop();
    board.note({ id: 'a', version: 1, stock: 0 });
    board.note({ id: 'a', version: 3, stock: 5, available: 1 });
    expect(told).toEqual([]);
    board.note({ id: 'a', version: 4, stock: 5, available: 0 });
    board.note({ id: 'a', version: 5, stock: 5, available: 0 });
    expect(told).toEqual(['first']);
    expect(board.watched).toBe(1);
  });

  it('tells no one while off', () => {
    const board = new SoldOutBoard();
    let told = false;
    board.whenSoldOut('a', () => (told = true));
    board.note({ id: 'a', version: 1, stock: 0 });
    expect(told).toBe(false);
  });
});
