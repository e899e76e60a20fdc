import { describe, expect, it } from 'vitest';
import { mergeFaults, parseFaultFlag } from '../../src/simulator/index.js';

describe('parseFaultFlag', () => {
  it.each([
    ['drop:request=2,event=5,code=1006', { drop: { request: 2, event: 5, mode: 'terminate', code: 1006 } }],
    ['drop:event=3,code=1011', { drop: { event: 3, mode: 'close', code: 1011 } }],
    [
      'drop:event=1,transport=http,times=2',
      { drop: { event: 1, mode: 'terminate', transport: 'http', times: 2 } },
    ],
    ['refuse:status=426', { refuseUpgrade: { status: 426 } }],
    [
      'refuse:status=429,code=insufficient_quota',
      { refuseUpgrade: { status: 429, code: 'insufficient_quota' } },
    ],
    [
      'refuse:status=429,times=2,retry-after-ms=1200',
      { refuseUpgrade: { status: 429, times: 2, headers: { 'retry-after-ms': '1200' } } },
    ],
    ['stall:request=1,event=3', { stall: { request: 1, event: 3 } }],
    ['halfopen:event=2', { halfOpen: { event: 2 } }],
    ['malformed:event=3,kind=binary', { malformed: { event: 3, kind: 'binary' } }],
    [
      'error:event=4,shape=flat,code=server_error',
      { error: { event: 4, shape: 'flat', code: 'server_error' } },
    ],
    ['http-status:status=503,times=1', { httpStatus: { status: 503, times: 1 } }],
    ['prev-not-found:every=3', { prevNotFound: { every: 3 } }],
    ['age:ms=3000', { ageLimitMs: 3000 }],
    ['delay:ms=20', { eventDelayMs: 20 }],
    ['latency:ms=50', { latencyMs: 50 }],
    ['handshake:ms=80', { httpHandshakeMs: 80 }],
    ['context-cost:us=10', { contextCostUsPerToken: 10 }],
    ['refuse-warmup', { account: { refuseWarmup: true } }],
    ['silent-warmup', { account: { silentWarmup: true } }],
    ['ignore-generate', { account: { ignoreGenerate: true } }],
  ])('%s', (flag, spec) => {
    expect(parseFaultFlag(flag)).toEqual(spec);
  });

  it.each([
    ['explode:now', /unknown kind "explode"/],
    ['drop:event=x', /event must be a non-negative integer, got "x"/],
    ['drop:event=1,code=1005', /close code 1005 cannot be sent/],
    ['refuse:times=1', /missing status=/],
    ['stall:event=1,colour=red', /unknown parameter "colour" for stall/],
    ['malformed:kind=weird', /kind must be one of json\|binary\|unknown-event/],
    ['age:3000', /expected key=value/],
    ['prev-not-found:every=0', /every must be ≥ 1/],
  ])('rejects %s with a one-line error', (flag, re) => {
    expect(() => parseFaultFlag(flag)).toThrow(re);
    try {
      parseFaultFlag(flag);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('\n');
      expect((err as Error).message.startsWith(`invalid --fault "${flag}"`)).toBe(true);
    }
  });

  it('merges several flags', () => {
    const spec = mergeFaults(
      parseFaultFlag('drop:request=1,event=2'),
      parseFaultFlag('drop:request=3,event=4'),
      parseFaultFlag('age:ms=10'),
    );
    expect(spec).toEqual({
      drop: [
        { request: 1, event: 2, mode: 'terminate' },
        { request: 3, event: 4, mode: 'terminate' },
      ],
      ageLimitMs: 10,
    });
  });
});
