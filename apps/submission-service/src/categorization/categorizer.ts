import type { AtpCategory } from '@atp/approval-routing';
import { editDistance, filenameTokens } from './filename-tokens';

/**
 * The filename classifier of domain §5.4 (`atpCategorization.js`), with whole-word matching instead of
 * substrings. Weights, the category order for ties and the confidence rules are the original's; what
 * changed: words are tokens (separators and camel case split them), long keywords tolerate one typo
 * ("Lincense", "licence"), and a name without any signal gives `null` with a reason instead of
 * SOFTWARE_LICENSE at confidence 0.
 */
/** The original's order: on a tie of scores the earlier category wins. */
const CATEGORY_ORDER: readonly AtpCategory[] = [
  'SOFTWARE_LICENSE',
  'PLN_UPGRADE',
  'DISMANTLE_DROP',
  'DISMANTLE_KEEP',
  'RAN_MW',
];

export const CATEGORIZATION_METHOD = 'filename_analysis';
/** Below this a suggestion needs a person's look (domain §5.4). */
export const REVIEW_THRESHOLD = 0.8;

interface Keyword {
  /** Consecutive words; a word ending in `*` matches any word starting with it ("lic*": lic, licen, license). */
  words: readonly string[];
  weight: number;
}

const kw = (phrase: string, weight: number): Keyword => ({ words: phrase.split(' '), weight });

export const KEYWORDS: Readonly<Record<AtpCategory, readonly Keyword[]>> = {
  SOFTWARE_LICENSE: [
    kw('sw license', 100),
    kw('sw lic*', 100),
    kw('license ug', 90),
    kw('ug bw', 80),
    kw('bw ug', 80),
    kw('ug', 50),
    kw('bw', 50),
    kw('modulation', 70),
    kw('modulations', 70),
    kw('software', 60),
    kw('license', 60),
  ],
  PLN_UPGRADE: [kw('pln', 100), kw('power', 80), kw('rectifier', 60), kw('battery', 60)],
  DISMANTLE_DROP: [kw('dismantle drop', 120), kw('drop', 50)],
  DISMANTLE_KEEP: [kw('dismantle keep', 120), kw('keep', 50)],
  RAN_MW: [kw('ran', 80), kw('mw', 60), kw('microwave', 80), kw('reroute', 70), kw('upgrade', 60), kw('new', 40)],
};

/** Words this long or longer may differ by one edit; shorter ones must match exactly ("power" ≠ "tower"). */
const FUZZY_MIN_LENGTH = 6;

export function wordMatches(pattern: string, token: string): boolean {
  if (pattern.endsWith('*')) return token.startsWith(pattern.slice(0, -1));
  if (token === pattern) return true;
  return pattern.length >= FUZZY_MIN_LENGTH && editDistance(pattern, token, 1) <= 1;
}

function phraseFound(words: readonly string[], tokens: readonly string[]): boolean {
  for (let start = 0; start + words.length <= tokens.length; start += 1) {
    if (words.every((word, offset) => wordMatches(word, tokens[start + offset]))) return true;
  }
  return false;
}

export interface CategorySuggestion {
  category: AtpCategory | null;
  confidence: number;
  method: typeof CATEGORIZATION_METHOD;
  /** Why this answer: the keywords that scored, or why there is none. */
  reason: string;
  needsReview: boolean;
  scores: Record<AtpCategory, number>;
}

export function scoreTokens(tokens: readonly string[]): { scores: Record<AtpCategory, number>; matched: string[] } {
  const scores = Object.fromEntries(CATEGORY_ORDER.map((c) => [c, 0])) as Record<AtpCategory, number>;
  const matched: string[] = [];
  for (const category of CATEGORY_ORDER) {
    for (const keyword of KEYWORDS[category]) {
      if (phraseFound(keyword.words, tokens)) {
        scores[category] += keyword.weight;
        matched.push(keyword.words.join(' '));
      }
    }
  }
  return { scores, matched };
}

function suggestion(
  category: AtpCategory | null,
  confidence: number,
  reason: string,
  scores: Record<AtpCategory, number>,
): CategorySuggestion {
  const rounded = Math.round(confidence * 1000) / 1000;
  return {
    category,
    confidence: rounded,
    method: CATEGORIZATION_METHOD,
    reason,
    needsReview: rounded < REVIEW_THRESHOLD,
    scores,
  };
}

export function categorizeFileName(fileName: string): CategorySuggestion {
  const tokens = filenameTokens(fileName);
  const { scores, matched } = scoreTokens(tokens);
  const best = Math.max(...CATEGORY_ORDER.map((c) => scores[c]));
  if (best === 0) {
    if (tokens.includes('atp')) {
      return suggestion('RAN_MW', 0.5, 'no category keyword; an ATP document defaults to RAN_MW', scores);
    }
    return suggestion(null, 0, 'no category keyword in the file name', scores);
  }
  const category = CATEGORY_ORDER.find((c) => scores[c] === best) as AtpCategory;
  const total = CATEGORY_ORDER.reduce((sum, c) => sum + scores[c], 0);
  const confidence =
    category === 'SOFTWARE_LICENSE' ? Math.min(best / (total + 1), 0.95) : category === 'RAN_MW' ? 0.7 : 0.9;
  return suggestion(category, confidence, `matched ${matched.join(', ')}`, scores);
}
