/**
 * The CJIS system-use notification (Security Policy AC-8), shown before anyone signs in: by the
 * portal, and by the local issuer's sign-in page. Cognito's hosted pages cannot show it, so the
 * portal does before it sends a person there.
 */
export const SYSTEM_USE_NOTICE = {
  title: 'Authorized use only',
  paragraphs: [
    'You are accessing a State of Connecticut criminal justice information system. It is for authorized use only, by people whose duties require it, and only for the purposes the law allows.',
    'Use of this system is monitored, recorded and subject to audit. By signing in you consent to that monitoring. Information on this system may be shared with law enforcement.',
    'Unauthorized use or disclosure of criminal justice information is prohibited and may result in disciplinary action and civil and criminal penalties.',
  ],
} as const;
