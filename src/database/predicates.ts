// Conditions on the member table that more than one feature asks, written once so that "a member on
// a date" means the same everywhere. `member` is the alias of a member row, `day` a date expression
// (a column, `current_date`, or a parameter from StatementParts).

/** The member has not left by the day: left_on is the first day they are no longer in the collaboration. */
export function notLeftBy(member: string, day: string): string {
  return `(${member}.left_on IS NULL OR ${member}.left_on > ${day})`;
}

/** The member is in the collaboration on the day: joined by then and not left. */
export function inCollaborationOn(member: string, day: string): string {
  return `${member}.joined_on <= ${day} AND ${notLeftBy(member, day)}`;
}
