/**
 * Reading a judge model's reply into rubric grades. The reply is untrusted text: it may be
 * anything, from "Coherence: 4, Factuality: 5, Concision: 3" with chatter around it to garbage.
 * Never throws: a reply that does not give every criterion one whole grade from 1 to 5, without
 * contradicting itself, is unscored, and `problem` says why in words a user can act on.
 *
 * Accepted, in this order:
 * 1. Labelled grades: each criterion's name (coherence, factuality, concision, or a close form
 *    such as "concise") followed within a few non-letter characters by its grade ("**Concision**:
 *    3", "\"factuality\": 5", "coherence = 4/5"). A range right after it ("1-5", "1 to 5") is an echo
 *    of the instructions, not a grade, and is skipped. A criterion graded twice differently is a
 *    contradiction.
 * 2. Without any label: one line holding just three grades in the rubric's order ("4 5 3",
 *    "4, 5, 3", "[4, 5, 3]").
 */
import { CRITERIA, GRADE_MAX, GRADE_MIN, type Criterion, type RubricGrades } from './rubric-types';

/** What a reply gives: every criterion's grade, or none and the reason. */
export interface JudgeVerdict {
  grades: RubricGrades;
  /** Why the reply gave no scores; null when it did. */
  problem: string | null;
}

/** Only the start of a long reply is read: a judge asked for three numbers that rambles on adds nothing. */
const READ_CHARS = 4000;

const LABELS: Record<Criterion, string> = {
  coherence: 'coheren(?:ce|cy|t)',
  factuality: 'factual(?:ity|ness)?',
  concision: 'concis(?:ion|eness|e)',
};

const UNSCORED: RubricGrades = Object.freeze({ coherence: null, factuality: null, concision: null });

const unscored = (problem: string): JudgeVerdict => ({ grades: { ...UNSCORED }, problem });

/** "3", or why the text after a label is not a grade. */
type Found = { grade: number } | { problem: string } | null;

function readGrade(criterion: Criterion, number: string, scale: string | undefined): Found {
  if (/[.,]/.test(number)) return { problem: `${criterion} ${number} is not a whole number from ${GRADE_MIN} to ${GRADE_MAX}` };
  if (scale !== undefined && Number(scale) !== GRADE_MAX)
    return { problem: `${criterion} is graded out of ${scale}, not on the ${GRADE_MIN}–${GRADE_MAX} scale` };
  const grade = Number(number);
  if (grade < GRADE_MIN || grade > GRADE_MAX) return { problem: `${criterion} ${number} is outside ${GRADE_MIN}–${GRADE_MAX}` };
  return { grade };
}

/** The grade the reply gives one criterion by name, null when it names none. */
function labelled(criterion: Criterion, text: string): Found {
  const pattern = new RegExp(
    `\\b${LABELS[criterion]}\\b[^\\p{L}\\p{N}\\n]{0,12}(?:(?:is|score|rating|grade)\\b[^\\p{L}\\p{N}\\n]{0,6})?` +
      // "(1-5)" or "1 to 5" between the name and the grade: the instructions' scale, echoed.
      `(?:\\d+\\s*(?:-|–|to)\\s*\\d+[^\\p{L}\\p{N}\\n]{1,6})?` +
      `(\\d+(?:[.,]\\d+)?)(?:\\s*(?:/|out of)\\s*(\\d+))?(\\s*(?:-|–|to)\\s*\\d)?`,
    'giu',
  );
  const grades = new Set<number>();
  for (const match of text.matchAll(pattern)) {
    if (match[3] !== undefined) continue; // "1-5": the instructions' range, echoed
    const found = readGrade(criterion, match[1]!, match[2]);
    if (found && 'problem' in found) return found;
    if (found) grades.add(found.grade);
  }
  if (grades.size > 1) return { problem: `the reply grades ${criterion} more than once (${[...grades].join(' and ')})` };
  const [grade] = grades;
  return grade === undefined ? null : { grade };
}

/** Three bare grades on a line of their own, in the rubric's order. */
function bare(text: string): JudgeVerdict | null {
  const lines = text
    .split('\n')
    .map((l) => /^[^\p{L}\p{N}]{0,3}(\d+)\s*[,;/ ]\s*(\d+)\s*[,;/ ]\s*(\d+)[^\p{L}\p{N}]{0,3}$/u.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  const distinct = new Set(lines.map((m) => `${m[1]} ${m[2]} ${m[3]}`));
  if (!distinct.size) return null;
  if (distinct.size > 1) return unscored(`the reply gives several sets of three grades (${[...distinct].join('; ')})`);
  const m = lines[0]!;
  const grades: RubricGrades = { ...UNSCORED };
  for (const [i, criterion] of CRITERIA.entries()) {
    const found = readGrade(criterion, m[i + 1]!, undefined);
    if (found && 'problem' in found) return unscored(found.problem);
    grades[criterion] = found?.grade ?? null;
  }
  return { grades, problem: null };
}

/** The grades a judge's reply gives, or none and why. */
export function parseJudgeReply(reply: string): JudgeVerdict {
  const text = reply.slice(0, READ_CHARS);
  if (!text.trim()) return unscored('the judge gave an empty reply');
  const grades: RubricGrades = { ...UNSCORED };
  const missing: Criterion[] = [];
  for (const criterion of CRITERIA) {
    const found = labelled(criterion, text);
    if (found === null) missing.push(criterion);
    else if ('problem' in found) return unscored(found.problem);
    else grades[criterion] = found.grade;
  }
  if (!missing.length) return { grades, problem: null };
  if (missing.length < CRITERIA.length) return unscored(`the reply gives no grade for ${missing.join(' or ')}`);
  return (
    bare(text) ??
    unscored(`no grades found: the reply should give ${CRITERIA.join(', ')} each a whole number from ${GRADE_MIN} to ${GRADE_MAX}`)
  );
}
