import type { Value } from '../../values.js';
import { fail } from '../types.js';

/**
 * FUZZY_SCORE and FUZZY_LANGS: commons-text's `FuzzyScore`, which lower-cases in the locale of a
 * language tag, and the tags Metron's JVM knows (Java 8's available locales), which are the only
 * ones FUZZY_SCORE accepts.
 */

/**
 * `Locale.getAvailableLocales()` as language tags on Metron's JVM (Java 8, JRE locale data),
 * which is what FUZZY_LANGS lists and FUZZY_SCORE accepts.
 */
export const JAVA_LANGUAGE_TAGS: readonly string[] = [
  ...'ar ar-AE ar-BH ar-DZ ar-EG ar-IQ ar-JO ar-KW ar-LB ar-LY ar-MA ar-OM ar-QA ar-SA ar-SD ar-SY ar-TN ar-YE'.split(
    ' ',
  ),
  ...'be be-BY bg bg-BG ca ca-ES cs cs-CZ da da-DK de de-AT de-CH de-DE de-GR de-LU el el-CY el-GR'.split(
    ' ',
  ),
  ...'en en-AU en-CA en-GB en-IE en-IN en-MT en-NZ en-PH en-SG en-US en-ZA'.split(' '),
  ...'es es-AR es-BO es-CL es-CO es-CR es-CU es-DO es-EC es-ES es-GT es-HN es-MX es-NI es-PA es-PE es-PR es-PY es-SV es-US es-UY es-VE'.split(
    ' ',
  ),
  ...'et et-EE fi fi-FI fr fr-BE fr-CA fr-CH fr-FR fr-LU ga ga-IE he he-IL hi-IN hr hr-HR hu hu-HU id id-ID is is-IS'.split(
    ' ',
  ),
  ...'it it-CH it-IT ja ja-JP ja-JP-u-ca-japanese-x-lvariant-JP ko ko-KR lt lt-LT lv lv-LV mk mk-MK ms ms-MY mt mt-MT'.split(
    ' ',
  ),
  ...'nl nl-BE nl-NL nn-NO no no-NO pl pl-PL pt pt-BR pt-PT ro ro-RO ru ru-RU sk sk-SK sl sl-SI sq sq-AL'.split(
    ' ',
  ),
  ...'sr sr-BA sr-CS sr-Latn sr-Latn-BA sr-Latn-ME sr-Latn-RS sr-ME sr-RS sv sv-SE'.split(' '),
  ...'th th-TH th-TH-u-nu-thai-x-lvariant-TH tr tr-TR uk uk-UA vi vi-VN zh zh-CN zh-HK zh-SG zh-TW und'.split(
    ' ',
  ),
];
const LANGUAGE_TAGS = new Set(JAVA_LANGUAGE_TAGS);

function lowerCaseIn(s: string, tag: string): string {
  try {
    return s.toLocaleLowerCase(tag);
  } catch {
    return s.toLowerCase();
  }
}

/** commons-text `FuzzyScore.fuzzyScore`: a point per matched char, two more for each adjacent match. */
function fuzzyScore(term: string, query: string, tag: string): number {
  const t = lowerCaseIn(term, tag);
  const q = lowerCaseIn(query, tag);
  let score = 0;
  let termIndex = 0;
  let previous = Number.MIN_SAFE_INTEGER;
  for (let qi = 0; qi < q.length; qi++) {
    const qc = q.charCodeAt(qi);
    while (termIndex < t.length) {
      const ti = termIndex++;
      if (t.charCodeAt(ti) === qc) {
        score++;
        if (previous + 1 === ti) score += 2;
        previous = ti;
        break;
      }
    }
  }
  return score;
}

/** FUZZY_SCORE: 0 unless all three arguments are strings; an unknown language tag is an error. */
export function fuzzy(args: readonly Value[]): number {
  const [term, query, lang] = args;
  if (typeof term !== 'string' || typeof query !== 'string' || typeof lang !== 'string') return 0;
  if (!LANGUAGE_TAGS.has(lang)) {
    return fail(
      'FUZZY_SCORE requires a valid IETF BCP47 language code see FUZZY_LANGS and https://tools.ietf.org/html/bcp47',
    );
  }
  if (term === '' || query === '') return 0;
  return fuzzyScore(term, query, lang);
}
