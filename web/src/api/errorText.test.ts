import { describe, expect, it } from 'vitest';
import { ApiError } from './http';
import { apiErrorText, fieldLabel } from './errorText';
import { i18n, setLocale } from '@/locales';

const t = (k: string, p?: Record<string, unknown>) => i18n.global.t(k, p ?? {});
const te = (k: string) => i18n.global.te(k);
const text = (e: ApiError, locale = 'zh-CN') => {
  setLocale(locale as 'zh-CN');
  return apiErrorText(e, locale, t, te);
};

describe('apiErrorText', () => {
  it('leads with Chinese naming the field, keeping the server detail where it says more', () => {
    expect(text(new ApiError(422, 'required', 'description is required', { field: 'description' }))).toBe('请填写「描述」');
    expect(text(new ApiError(422, 'invalid_field', 'workdays must be from 1 to 30 (workdays)', { field: 'workdays' }))).toBe(
      '「天数」填写有误（workdays must be from 1 to 30 (workdays)）',
    );
    expect(text(new ApiError(422, 'unknown_field', 'unknown field colour', { field: 'colour' }))).toBe('不支持的字段「colour」');
  });
  it('says a refusal with a rule of its own in the person\'s words', () => {
    const e = new ApiError(422, 'subject_unit', "unit_id is the petition's 被反映单位 or a unit under it", { field: 'unit_id' });
    expect(text(e)).toBe('该信访事项反映的正是此单位：不能交其本身或下级单位办理，请改选其他单位');
    expect(text(e, 'en')).toBe("unit_id is the petition's 被反映单位 or a unit under it");
    setLocale('zh-CN');
  });
  it('labels nested and indexed fields by their last name', () => {
    expect(fieldLabel('reporter.phone', t, te)).toBe('电话');
    expect(fieldLabel('attachments[2]', t, te)).toBe('附件');
    expect(fieldLabel('no_such_field', t, te)).toBe('no_such_field');
  });
  it('says what a conflict, a refusal, a missing record and a busy server mean', () => {
    expect(text(new ApiError(409, 'stale_version', 'the case has changed (version 3)', { field: 'version' }))).toBe(
      '数据已被他人修改，请刷新后重试',
    );
    expect(text(new ApiError(409, 'wrong_stage', 'cannot close a case in stage accept (open)'))).toBe(
      '案件当前环节不能执行该操作（cannot close a case in stage accept (open)）',
    );
    expect(text(new ApiError(404, 'not_found', 'case 7 not found'))).toBe('记录不存在，或不在您的数据范围内');
    expect(text(new ApiError(503, 'unavailable', 'the write queue is full; retry shortly'))).toBe('系统繁忙，请稍后重试');
    expect(text(new ApiError(403, 'forbidden', 'your role may not close (close)'))).toBe('没有权限执行该操作（your role may not close (close)）');
  });
  it('uses traditional script in zh-TW and the server message in English', () => {
    expect(text(new ApiError(422, 'required', 'name is required', { field: 'name' }), 'zh-TW')).toBe('請填寫「名稱」');
    expect(text(new ApiError(422, 'required', 'name is required', { field: 'name' }), 'en')).toBe('name is required');
    setLocale('zh-CN');
  });
  it('says the network failed when there was no answer, in every locale', () => {
    expect(text(new ApiError(0, 'network', 'Failed to fetch'))).toBe('无法连接服务器，请检查网络');
    expect(text(new ApiError(0, 'network', 'Failed to fetch'), 'en')).toBe(i18n.global.t('msg.networkError'));
    setLocale('zh-CN');
  });
  it('passes through what it does not know', () => {
    expect(text(new ApiError(500, 'internal', 'database error'))).toBe('database error');
    expect(text(new ApiError(422, 'bad_file', 'not an xlsx workbook'))).toBe('提交的内容有误（not an xlsx workbook）');
  });
});
