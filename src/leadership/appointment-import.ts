// Reading and checking an import of the historical record of appointments. Pure: no Nest, no
// database; what needs the database (which position, which member, the term rules) is the service's
// second pass. Every bad row is named at once: { row, field, message }.
import { CheckedImport, checkImportRows, ImportRecord, importedText, readImportCsv } from '../common/import-rows';
import { isIsoDate } from '../members/member-import';

export const APPOINTMENT_IMPORT_COLUMNS = [
  'position',
  'positionId',
  'externalId',
  'memberId',
  'startsOn',
  'endsOn',
  'overrideReason',
] as const;
type Column = (typeof APPOINTMENT_IMPORT_COLUMNS)[number];

export const MAX_APPOINTMENT_IMPORT_ROWS = 20_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_LENGTH: Record<Column, number> = {
  position: 300,
  positionId: 36,
  externalId: 100,
  memberId: 36,
  startsOn: 10,
  endsOn: 10,
  overrideReason: 4000,
};

export interface AppointmentImportRow {
  /** 1-based data row. */
  row: number;
  position: { title: string } | { id: string };
  member: { externalId: string } | { id: string };
  startsOn: string;
  endsOn: string | null;
  overrideReason: string | null;
}

/** CSV text to records keyed by column (see readImportCsv). */
export function readAppointmentCsv(text: string): ImportRecord[] {
  return readImportCsv(text, APPOINTMENT_IMPORT_COLUMNS);
}

export function checkAppointmentImport(records: readonly unknown[]): CheckedImport<AppointmentImportRow> {
  return checkImportRows(records, { columns: APPOINTMENT_IMPORT_COLUMNS, maxRows: MAX_APPOINTMENT_IMPORT_ROWS }, (cells, row, fail) => {
    // An over-long cell is still read, so that it is also checked for what it must be (a UUID, a date).
    const text = (column: Column): string | null => importedText(cells[column], column, MAX_LENGTH[column], false, fail, 'kept');
    const position = text('position');
    const positionId = text('positionId');
    const externalId = text('externalId');
    const memberId = text('memberId');
    const startsOn = text('startsOn');
    const endsOn = text('endsOn');
    const overrideReason = text('overrideReason');
    if ((position === null) === (positionId === null)) fail('position', 'give exactly one of position (its title) and positionId');
    if (positionId !== null && !UUID.test(positionId)) fail('positionId', 'must be a UUID');
    if ((externalId === null) === (memberId === null)) fail('externalId', 'give exactly one of externalId and memberId');
    if (memberId !== null && !UUID.test(memberId)) fail('memberId', 'must be a UUID');
    if (startsOn === null) fail('startsOn', 'is required');
    else if (!isIsoDate(startsOn)) fail('startsOn', 'must be a date YYYY-MM-DD');
    if (endsOn !== null && !isIsoDate(endsOn)) fail('endsOn', 'must be a date YYYY-MM-DD');
    else if (endsOn !== null && startsOn !== null && endsOn <= startsOn) fail('endsOn', 'must be after startsOn');
    return {
      row,
      position: position !== null ? { title: position } : { id: positionId! },
      member: externalId !== null ? { externalId } : { id: memberId! },
      startsOn: startsOn!,
      endsOn,
      overrideReason,
    };
  });
}
