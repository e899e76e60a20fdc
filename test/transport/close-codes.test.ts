import { describe, expect, it } from 'vitest';
import { closeCodeName, isRecoverableClose } from '../../src/transport/close-codes.js';

describe('isRecoverableClose', () => {
  it.each([
    [1000, false, false],
    [1000, true, true],
    [1001, false, true],
    [1002, false, false],
    [1003, false, false],
    [1005, false, true],
    [1006, false, true],
    [1007, false, false],
    [1008, true, false],
    [1009, false, false],
    [1010, false, false],
    [1011, false, true],
    [1012, false, true],
    [1013, false, true],
    [1015, false, true],
    [4000, false, false],
  ])('code %i (streaming=%s) → recoverable %s', (code, streaming, expected) => {
    expect(isRecoverableClose(code, streaming)).toBe(expected);
  });

  it('names codes', () => {
    expect(closeCodeName(1009)).toBe('message too big');
    expect(closeCodeName(4321)).toBe('unknown');
  });
});
