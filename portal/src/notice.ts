/**
 * The CJIS system-use notification (Security Policy AC-8), shown before anyone signs in: by the
 * portal, and by the local issuer's sign-in page. Cognito's hosted pages cannot show it, so the
 * portal does before it sends a person there.
 */
export const SYSTEM_USE_NOTICE = {
  title: 'Authorized use only',
  paragraphs: [
    'You are accessing a State of Connecticut criminal justice information system, which also holds Criminal Justice Information (CJI) under the FBI CJIS Security Policy. It is provided for authorized use only.',
    'By using this system you understand and consent to the following: you have no reasonable expectation of privacy in any communication or data passing through or stored on it. At any time, and for any lawful purpose, the State may monitor, intercept, record, audit, inspect and disclose any communication or data passing through or stored on this system.',
    'Unauthorized or improper use of this system is prohibited and may result in administrative or disciplinary action and in civil and criminal penalties.',
  ],
} as const;
