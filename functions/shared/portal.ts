/**
 * Where e-mails send people in the CISS portal: the page of one subject, by the portal's own
 * routes (`#/tasks/<id>`, `#/arrests/<id>`, `#/access-requests/<id>`), under `PORTAL_URL`
 * (`<origin>/portal/`).
 */
export type PortalArea = 'tasks' | 'arrests' | 'access-requests';

export const portalPage = (portalUrl: string, area: PortalArea, id: string): string => `${portalUrl}#/${area}/${encodeURIComponent(id)}`;
