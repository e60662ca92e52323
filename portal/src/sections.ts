import type { Section } from './kinds';
import { accessPages } from './pages/access';
import { accountPages } from './pages/accounts';
import { arrestPages } from './pages/arrests';
import { auditPages } from './pages/audit';
import { certificationPages } from './pages/certification';
import { noticePages } from './pages/notices';
import { disseminationPages } from './pages/notices-rules';
import { opsPages } from './pages/ops';
import { programPages } from './pages/program';
import { searchPages } from './pages/search';
import { searchLogPages } from './pages/search-log';
import { taskPages } from './pages/tasks';

/**
 * The portal's sections, one per kind of work (kinds.ts). Adding a section is one entry here.
 * The API decides what each person may see and do: a section only spares people links that
 * would be refused.
 */
export const SECTIONS: readonly Section[] = [taskPages, arrestPages, noticePages, searchPages, auditPages, searchLogPages, programPages, opsPages, disseminationPages, accessPages, certificationPages, accountPages];

export const sectionsFor = (roles: readonly string[]): Section[] => SECTIONS.filter((s) => s.roles.some((r) => roles.includes(r)));
