import { describe, expect, it } from 'vitest';
import {
  bodyProblem,
  charCount,
  excerpt,
  mayAsk,
  mayPostNotice,
  MESSAGE_MAX_CHARS,
} from '@/server/services/relay-talk/rules';

describe('relay talk rules', () => {
  it('counts characters as a person does and refuses empty or too long text', () => {
    expect(charCount(' 🥚鸡蛋 ')).toBe(3);
    expect(bodyProblem('notice', '   ')).toBe('empty');
    expect(bodyProblem('notice', '菜'.repeat(MESSAGE_MAX_CHARS.notice))).toBeNull();
    expect(bodyProblem('notice', '菜'.repeat(MESSAGE_MAX_CHARS.notice + 1))).toBe('too_long');
    expect(bodyProblem('question', '问'.repeat(MESSAGE_MAX_CHARS.question + 1))).toBe('too_long');
  });

  it('lets people talk only on relays that are live or on their way', () => {
    expect(mayPostNotice('draft')).toBe(false);
    expect(mayPostNotice('cancelled')).toBe(false);
    expect(mayPostNotice('formed')).toBe(true);
    expect(mayAsk('open')).toBe(true);
    expect(mayAsk('completed')).toBe(false);
    expect(mayAsk('failed')).toBe(false);
  });

  it('shortens a message for a notification', () => {
    expect(excerpt('配送  改到\n明天')).toBe('配送 改到 明天');
    expect(excerpt('一二三四五六', 4)).toBe('一二三…');
  });
});
