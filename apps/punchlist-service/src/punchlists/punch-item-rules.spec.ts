import { itemCodeOf, punchItemErrors } from './punch-item-rules';

describe('punch item rules', () => {
  it('keeps MAJOR/MINOR on approvals and CRITICAL on rejections', () => {
    expect(
      punchItemErrors('APPROVED_WITH_PUNCHLIST', [{ itemCode: null, description: 'x', severity: 'MINOR' }]),
    ).toEqual([]);
    expect(punchItemErrors('REJECTED', [{ itemCode: null, description: 'x', severity: 'CRITICAL' }])).toEqual([]);
    expect(
      punchItemErrors('APPROVED_WITH_PUNCHLIST', [{ itemCode: null, description: 'x', severity: 'CRITICAL' }]),
    ).toEqual([expect.objectContaining({ field: 'items.0.severity', value: 'CRITICAL' })]);
    expect(punchItemErrors('REJECTED', [{ itemCode: null, description: 'x', severity: 'MAJOR' }])[0].field).toBe(
      'items.0.severity',
    );
  });

  it('needs at least one item with a description', () => {
    expect(punchItemErrors('REJECTED', [])[0]).toMatchObject({ field: 'items' });
    expect(punchItemErrors('REJECTED', [{ itemCode: null, description: '  ', severity: 'CRITICAL' }])[0].field).toBe(
      'items.0.description',
    );
  });

  it('names an item without a code by its number', () => {
    expect(itemCodeOf(null, 3)).toBe('PL-03');
    expect(itemCodeOf('GRND-1', 3)).toBe('GRND-1');
  });
});
