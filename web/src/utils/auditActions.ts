// The locale key of an event action: "auth.login" is audit.actions.auth.login, and
// "plan.followup.issued" audit.actions.plan.followup_issued (one level under the first part, as
// "project.investment" and "project.investment.revise" are both actions).
export function auditActionKey(action: string): string {
  const dot = action.indexOf('.');
  if (dot < 0) return `audit.actions.${action}`;
  return `audit.actions.${action.slice(0, dot)}.${action.slice(dot + 1).replace(/\./g, '_')}`;
}
