import type { ComponentChildren } from 'preact';
import { href } from '../router';
import { Facts, Failure } from '../ui/components';
import { OtherProblems, TextField, type FormState } from '../ui/form';

/** The employee's two fields every agency request starts with (both lifecycles' `employee`). */
export interface EmployeeFields {
  readonly fullName: string;
  readonly email: string;
}

/**
 * An agency administrator's request for an employee (CCHRS access, CISS Search certification):
 * the agency it is made for, "The employee" (full name and work e-mail, and what the request
 * adds to them), the request's own fields, the problems that belong to no field shown, and Send
 * / Cancel. Each field's problem comes from the API's own schema (`form`), beside the field.
 */
export function EmployeeRequestForm(props: {
  readonly ori: string;
  readonly form: FormState<unknown>;
  readonly employee: EmployeeFields;
  readonly onEmployee: (key: keyof EmployeeFields) => (value: string) => void;
  /** What the e-mail is for, said under it. */
  readonly emailHint: string;
  /** More of the employee (job title, phone), inside the fieldset. */
  readonly moreEmployee?: ComponentChildren;
  /** The request's own fields, after the employee. */
  readonly children?: ComponentChildren;
  /** Every field shown beside its input (the rest of the API's problems are listed together). */
  readonly shown: readonly string[];
  /** Where Cancel goes. */
  readonly cancelTo: string;
  readonly onSubmit: () => void;
}) {
  const { form } = props;
  return (
    <form
      class="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <Facts items={[['Agency (ORI)', props.ori || 'Your sign-in names no agency']]} />
      <fieldset>
        <legend>The employee</legend>
        <TextField name="employee.fullName" label="Full name" autoComplete="off" problems={form.problems} value={props.employee.fullName} onValue={props.onEmployee('fullName')} />
        <TextField name="employee.email" label="Work e-mail" type="email" autoComplete="off" hint={props.emailHint} problems={form.problems} value={props.employee.email} onValue={props.onEmployee('email')} />
        {props.moreEmployee}
      </fieldset>
      {props.children}
      <OtherProblems problems={form.problems} shown={['employee.fullName', 'employee.email', ...props.shown]} />
      {form.error ? <Failure error={form.error} /> : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={form.busy}>
          Send the request
        </button>
        <a href={href(props.cancelTo)}>Cancel</a>
      </div>
    </form>
  );
}
