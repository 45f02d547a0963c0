import type { AtpCategory } from '@atp/approval-routing';
import { categorizeFileName } from './categorizer';
import { editDistance, filenameTokens } from './filename-tokens';

describe('filenameTokens', () => {
  it.each([
    ['SW_License-Upgrade.v2.pdf', ['sw', 'license', 'upgrade', 'v', '2']],
    ['swLicenseUG.docx', ['sw', 'license', 'ug']],
    ['RANUpgrade JKT001.pdf', ['ran', 'upgrade', 'jkt', '001']],
    ['IPRAN_Transmission.pdf', ['ipran', 'transmission']],
    ['MW2 (final).PDF', ['mw', '2', 'final']],
  ])('%s → %j', (name, tokens) => {
    expect(filenameTokens(name)).toEqual(tokens);
  });

  it('measures edit distance with a limit', () => {
    expect(editDistance('license', 'lincense', 1)).toBe(1);
    expect(editDistance('license', 'licence', 1)).toBe(1);
    expect(editDistance('power', 'tower', 2)).toBe(1);
    expect(editDistance('license', 'lic', 1)).toBe(2);
  });
});

describe('categorizeFileName: the table of domain §5.4', () => {
  it.each<[string, AtpCategory | null, number]>([
    // SOFTWARE_LICENSE keywords; confidence min(score / (all scores + 1), 0.95)
    ['SW License XL-JKT-001.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['sw lic upgrade.pdf', 'SOFTWARE_LICENSE', 0.621], // 100 / (100 + 60 upgrade + 1),
    ['SW Licen Site 4.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['License UG JKT.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['UG BW site.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['BW UG site.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['Modulation change.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['Modulations 2026.pdf', 'SOFTWARE_LICENSE', 0.95],
    ['Software release.pdf', 'SOFTWARE_LICENSE', 0.95],
    // PLN_UPGRADE: 0.9
    ['ATP PLN Upgrade JKT-001.pdf', 'PLN_UPGRADE', 0.9],
    ['Power system ATP.pdf', 'PLN_UPGRADE', 0.9],
    ['Rectifier swap.pdf', 'PLN_UPGRADE', 0.9],
    ['Battery bank.pdf', 'PLN_UPGRADE', 0.9],
    // DISMANTLE_DROP / DISMANTLE_KEEP: 0.9
    ['Dismantle Drop BDG-7.pdf', 'DISMANTLE_DROP', 0.9],
    ['dismantle-drop BDG-7.pdf', 'DISMANTLE_DROP', 0.9],
    ['Drop antenna.pdf', 'DISMANTLE_DROP', 0.9],
    ['Dismantle Keep SBY-2.pdf', 'DISMANTLE_KEEP', 0.9],
    ['dismantle-keep SBY-2.pdf', 'DISMANTLE_KEEP', 0.9],
    // RAN_MW: 0.7
    ['ATP RAN JKT-001.pdf', 'RAN_MW', 0.7],
    ['MW New Link.pdf', 'RAN_MW', 0.7],
    ['Microwave link.pdf', 'RAN_MW', 0.7],
    ['Reroute MW.pdf', 'RAN_MW', 0.7],
    ['Upgrade site.pdf', 'RAN_MW', 0.7],
    ['New site JKT.pdf', 'RAN_MW', 0.7],
    // ties go to the earlier category; no keyword but "ATP" → RAN_MW 0.5
    ['PLN Dismantle Drop.pdf', 'DISMANTLE_DROP', 0.9],
    ['ATP_JKT-0001.pdf', 'RAN_MW', 0.5],
  ])('%s → %s (%d)', (name, category, confidence) => {
    const result = categorizeFileName(name);
    expect(result.category).toBe(category);
    expect(result.confidence).toBeCloseTo(confidence, 3);
    expect(result.method).toBe('filename_analysis');
  });
});

describe('categorizeFileName: the misfires of the original', () => {
  it.each<[string, AtpCategory | null, string]>([
    ['Transmission report JKT.pdf', null, '`ran` inside Transmission'],
    ['IPRAN integration.pdf', null, '`ran` inside IPRAN'],
    ['Dropbox export.pdf', null, '`drop` inside Dropbox'],
    ['Contract renewal.pdf', null, '`new` inside renewal'],
    ['Tower inspection.pdf', null, '`power` is not `tower`'],
    ['Keeper notes.pdf', null, '`keep` inside Keeper'],
    ['sw_license_upgrade.pdf', 'SOFTWARE_LICENSE', 'underscores hid `sw license`'],
    ['dismantle_drop-site.pdf', 'DISMANTLE_DROP', 'underscores hid `dismantle drop`'],
    ['swLicenseUpgrade.pdf', 'SOFTWARE_LICENSE', 'camel case hid `sw license`'],
    ['Lincense UG site.pdf', 'SOFTWARE_LICENSE', 'misspelt licence keyword'],
    ['SW Licence renewal.pdf', 'SOFTWARE_LICENSE', 'British spelling, and no `new` in renewal'],
    ['MWUpgrade_IPRAN.pdf', 'RAN_MW', 'camel case keeps MW, IPRAN is not RAN'],
  ])('%s → %s (%s)', (name, category) => {
    expect(categorizeFileName(name).category).toBe(category);
  });

  it('answers null with a reason when the name has no signal', () => {
    const result = categorizeFileName('scan_0001.pdf');
    expect(result).toMatchObject({ category: null, confidence: 0, method: 'filename_analysis', needsReview: true });
    expect(result.reason).toMatch(/no category keyword/);
  });

  it('flags suggestions below 0.8 for review', () => {
    expect(categorizeFileName('MW New Link.pdf').needsReview).toBe(true);
    expect(categorizeFileName('PLN upgrade.pdf').needsReview).toBe(false);
  });
});
