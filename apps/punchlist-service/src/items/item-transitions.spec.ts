import { PUNCH_ITEM_STATUSES } from '@atp/contracts';
import { decideMove, isTerminal, itemTransitions, transitionFor, type ItemAction } from './item-transitions';

const docControl = { workspaceRoles: ['DOC_CONTROL'], isIssuer: false };
const qa = { workspaceRoles: ['QA_ENGINEER'], isIssuer: false };
const issuer = { workspaceRoles: ['APPROVER'], isIssuer: true };
const otherApprover = { workspaceRoles: ['APPROVER'], isIssuer: false };

describe('punch item transition table', () => {
  it('walks the whole lifecycle, with a rejection and a second rectification', () => {
    expect(decideMove('RECTIFY', 'OPEN', docControl).to).toBe('RECTIFIED');
    expect(decideMove('REJECT', 'RECTIFIED', qa).to).toBe('REJECTED');
    expect(decideMove('RECTIFY', 'REJECTED', docControl).to).toBe('RECTIFIED');
    expect(decideMove('VERIFY', 'RECTIFIED', qa).to).toBe('QA_VERIFIED');
    expect(decideMove('REJECT', 'QA_VERIFIED', issuer).to).toBe('REJECTED');
    expect(decideMove('CLOSE', 'QA_VERIFIED', issuer).to).toBe('CLOSED');
  });

  const actions: ItemAction[] = ['RECTIFY', 'VERIFY', 'CLOSE', 'REJECT'];
  const illegal = PUNCH_ITEM_STATUSES.flatMap((from) =>
    actions.filter((a) => !transitionFor(a, from)).map((a) => [a, from] as const),
  );

  it.each(illegal)('refuses %s from %s with a 409 naming the current status', (action, from) => {
    expect(() =>
      decideMove(action, from, { workspaceRoles: ['DOC_CONTROL', 'QA_ENGINEER', 'APPROVER'], isIssuer: true }),
    ).toThrow(
      expect.objectContaining({
        status: 409,
        code: 'ILLEGAL_ITEM_TRANSITION',
        extensions: expect.objectContaining({ currentStatus: from }),
      }),
    );
  });

  it('lists every legal move once and leaves CLOSED terminal', () => {
    expect(illegal.length + itemTransitions.length).toBe(PUNCH_ITEM_STATUSES.length * actions.length);
    expect(isTerminal('CLOSED')).toBe(true);
    expect(PUNCH_ITEM_STATUSES.filter(isTerminal)).toEqual(['CLOSED']);
  });

  it('lets only the issuer close, and only DOC_CONTROL rectify and QA verify', () => {
    expect(() => decideMove('CLOSE', 'QA_VERIFIED', otherApprover)).toThrow(
      expect.objectContaining({ status: 403, code: 'NOT_ISSUER' }),
    );
    expect(() => decideMove('CLOSE', 'QA_VERIFIED', qa)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => decideMove('VERIFY', 'RECTIFIED', docControl)).toThrow(
      expect.objectContaining({ status: 403, code: 'ROLE_REQUIRED' }),
    );
    expect(() => decideMove('RECTIFY', 'OPEN', qa)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => decideMove('REJECT', 'RECTIFIED', issuer)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => decideMove('REJECT', 'QA_VERIFIED', qa)).toThrow(expect.objectContaining({ code: 'NOT_ISSUER' }));
  });
});
