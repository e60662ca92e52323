/** One e-mail as `GET /console/api/mails` gives it to the console (shared by server and browser). */
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
