/** One e-mail as the local mail view (`GET /portal/api/mails`, infra/local/console/mails.ts) gives it to the portal's operations section. */
export interface ConsoleMail {
  readonly messageId: string;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly sentAt: string;
  readonly text: string;
}

export interface MailPage {
  readonly items: readonly ConsoleMail[];
}
