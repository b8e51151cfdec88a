import { describe, expect, it } from 'vitest';
import { fenToYuan, MAX_PRICE_FEN, yuan, yuanToFen } from '@/server/services/shared/money';
import { DEFAULT_TIME_ZONE, hhmm, localDate, localDateTime, localYear } from '@/server/services/shared/time';

describe('money', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(fenToYuan(3990)).toBe('39.90');
    expect(fenToYuan(5)).toBe('0.05');
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(-120)).toBe('-1.20');
    expect(fenToYuan(MAX_PRICE_FEN * 1000)).toBe('100000000.00');
    expect(yuan(1250)).toBe('¥12.50');
    expect(yuan(-120)).toBe('-¥1.20');
  });
  it('reads what people type back to the same fen', () => {
    for (let fen = 0; fen <= 200_000; fen += 13) expect(yuanToFen(fenToYuan(fen))).toBe(fen);
    expect(yuanToFen('¥12.5')).toBe(1250);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('1.234')).toBeNull();
  });
});

describe('time', () => {
  const lateUtc = new Date('2022-04-12T17:30:00Z'); // 01:30 on the 13th in Shanghai
  it('reads days and clock times in the compound’s zone, Shanghai by default', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
    expect(localDate(lateUtc)).toBe('2022-04-13');
    expect(hhmm(lateUtc)).toBe('01:30');
    expect(localDateTime(lateUtc)).toBe('2022-04-13 01:30');
    expect(localYear(new Date('2022-12-31T17:00:00Z'))).toBe('2023');
  });
  it('uses a compound’s own zone when it has one', () => {
    expect(localDate(lateUtc, 'Asia/Urumqi')).toBe('2022-04-12');
    expect(hhmm(lateUtc, 'Asia/Urumqi')).toBe('23:30');
    expect(localDateTime(lateUtc, 'UTC')).toBe('2022-04-12 17:30');
  });
});
