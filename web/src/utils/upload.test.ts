import { describe, expect, it } from 'vitest';
import { UPLOAD_MAX_BYTES, fileProblem } from './upload';

describe('fileProblem', () => {
  it('takes the listed extensions in any case', () => {
    expect(fileProblem({ name: '调度表.xlsx', size: 10 }, ['xlsx'])).toBeNull();
    expect(fileProblem({ name: 'REPORT.DOCX', size: 10 }, ['txt', 'docx'])).toBeNull();
    expect(fileProblem({ name: 'values.csv', size: 10 }, ['xlsx', 'csv'])).toBeNull();
  });
  it('refuses other types, including a name with no extension or only a look-alike', () => {
    expect(fileProblem({ name: '调度表.xls', size: 10 }, ['xlsx'])).toBe('type');
    expect(fileProblem({ name: 'xlsx', size: 10 }, ['xlsx'])).toBe('type');
    expect(fileProblem({ name: 'a.xlsx.exe', size: 10 }, ['xlsx'])).toBe('type');
    expect(fileProblem({ name: 'a.', size: 10 }, ['xlsx'])).toBe('type');
  });
  it('refuses a file over the limit, and the type is named first', () => {
    expect(fileProblem({ name: 'a.xlsx', size: UPLOAD_MAX_BYTES }, ['xlsx'])).toBeNull();
    expect(fileProblem({ name: 'a.xlsx', size: UPLOAD_MAX_BYTES + 1 }, ['xlsx'])).toBe('size');
    expect(fileProblem({ name: 'a.pdf', size: UPLOAD_MAX_BYTES + 1 }, ['xlsx'])).toBe('type');
    expect(fileProblem({ name: 'a.txt', size: 11 }, ['txt'], 10)).toBe('size');
  });
});
