import type { ComponentChildren } from 'preact';
import type { Role } from '../../functions/shared/roles';
import { arrestPages } from './pages/arrests';
import { auditPages } from './pages/audit';
import { opsPages } from './pages/ops';
import { taskPages } from './pages/tasks';
import { accessPages } from './pages/access';

/**
 * The portal's sections, one per kind of work, each for the roles whose work it is. A section's
 * pages answer routes (`/tasks/:taskId`); the navigation shows the sections a person's roles
 * open. Adding a section is one entry here. The API decides what each person may see and do: a
 * section only spares people links that would be refused.
 */
export interface PageRoute {
  /** `/path/:param`, matched against the fragment's path. */
  readonly pattern: string;
  readonly render: (params: Readonly<Record<string, string>>, query: URLSearchParams) => ComponentChildren;
}

export interface Section {
  readonly id: string;
  /** The navigation's label. */
  readonly title: string;
  /** What a person finds there, on the home page. */
  readonly summary: string;
  readonly roles: readonly Role[];
  /** The section's first page. */
  readonly home: string;
  readonly routes: readonly PageRoute[];
}

export const SECTIONS: readonly Section[] = [taskPages, arrestPages, auditPages, opsPages, accessPages];

export const sectionsFor = (roles: readonly string[]): Section[] => SECTIONS.filter((s) => s.roles.some((r) => roles.includes(r)));
