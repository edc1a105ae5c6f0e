import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { messages } from '@/locales';
import { lightReasonText } from './lightReasons';

function tOf(locale: 'zh-CN' | 'zh-TW' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages, missingWarn: false, fallbackWarn: false });
  return (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});
}

describe('light reasons', () => {
  it('words a project over its stage limit, and a stall, in each language', () => {
    const over = [{ code: 'stage_over_limit', stage: 'started', days: 265, limit: 30 }];
    expect(lightReasonText(tOf('zh-CN'), over, '開工已265天未竣工/入統（時限30天）')).toBe('开工已 265 天未竣工/投产（时限 30 天）');
    expect(lightReasonText(tOf('zh-TW'), over)).toBe('開工已 265 天未竣工/投產（時限 30 天）');
    expect(lightReasonText(tOf('en'), over)).toBe('Started for 265 days, not yet Completed (limit 30 days)');
    expect(lightReasonText(tOf('zh-CN'), [{ code: 'stalled', stage: 'signed', months: 2 }])).toBe('签约阶段已 2 个月无进展');
  });

  it('words a task behind time and a late report, with times in Beijing time, joined', () => {
    const r = [
      { code: 'behind_schedule', time_pct: 91, done_pct: 0 },
      { code: 'report_late', due: '2026-10-13T09:30:00.000Z' },
    ];
    expect(lightReasonText(tOf('zh-CN'), r)).toBe('时间已过 91%，完成 0%；进展报告逾期（应于 2026-10-13 17:30 前报送）');
    expect(lightReasonText(tOf('en'), r)).toBe('91% of the time used, 0% done; Progress report late (due by 2026-10-13 17:30)');
    expect(lightReasonText(tOf('zh-CN'), [{ code: 'followup_overdue', number: '督辦〔2026〕1號', due: '2026-10-10T09:30:00.000Z' }]))
      .toBe('督辦〔2026〕1號 逾期未回复（回复时限 2026-10-10 17:30）');
    expect(lightReasonText(tOf('zh-CN'), [{ code: 'overdue', due_date: '2026-12-10' }])).toBe('已超过完成时限（2026-12-10）');
  });

  it("words a case's reasons", () => {
    expect(lightReasonText(tOf('zh-TW'), [{ code: 'stage_overdue' }], '已超过本环节时限')).toBe('已超過本環節時限');
    expect(lightReasonText(tOf('en'), [{ code: 'paused' }])).toBe('Suspended (clock paused)');
  });

  it("shows the server's text when there are no reasons as data or one it does not know", () => {
    expect(lightReasonText(tOf('zh-CN'), [], '旧版本写下的说明')).toBe('旧版本写下的说明');
    expect(lightReasonText(tOf('zh-CN'), undefined, null)).toBe('');
    expect(lightReasonText(tOf('zh-CN'), [{ code: 'overdue', due_date: '2026-12-10' }, { code: 'from_a_newer_server' }], '服务器的说明'))
      .toBe('服务器的说明');
  });
});
