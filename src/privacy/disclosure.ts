// What a report says about how its gender counts were published, and the secret the noise is drawn
// with. The rules themselves are in noise.ts, reporting-period.ts and gender-release.ts.
import { noiseVariance } from './noise';
import { PublishedPeriod } from './reporting-period';

export const NOISE_METHOD =
  'differential privacy: every gender count of every calendar quarter carries two-sided geometric ' +
  '(discrete Laplace) noise, the same for the same records and question; a longer period is the sum of its quarters; ' +
  'shares, intervals and tests use the noisy counts';

/** How a report's gender counts were published: exact (admins, or no gender in the report) or with noise. */
export interface Disclosure {
  /** True when gender counts carry noise and cover whole ended quarters. */
  perturbed: boolean;
  method: string | null;
  /** Privacy loss per published quarter cell (REPORT_EPSILON). */
  epsilon: number | null;
  /** Standard deviation of one quarter cell's noise; a sum of n quarters has sqrt(n) times as much. */
  noiseStdDev: number | null;
  /** The period counted, when it differs from the one asked for. */
  period: {
    granularity: 'calendar quarter';
    from: string | null;
    to: string;
    membersOn: string;
    note: string;
  } | null;
}

export function disclosure(period: PublishedPeriod | null, epsilon: number): Disclosure {
  if (!period) return { perturbed: false, method: null, epsilon: null, noiseStdDev: null, period: null };
  return {
    perturbed: true,
    method: NOISE_METHOD,
    epsilon,
    noiseStdDev: Math.round(Math.sqrt(noiseVariance(epsilon)) * 100) / 100,
    period: {
      granularity: 'calendar quarter',
      from: period.from,
      to: period.to,
      membersOn: period.membersOn,
      note: period.empty
        ? 'no calendar quarter of the period asked for has ended: gender counts are published for ended quarters only'
        : 'gender counts cover the whole calendar quarters the period touches, up to the last quarter that has ended; ' +
          'members are counted on the last day of a quarter',
    },
  };
}

/** The noise secret, read once (made on first use); a failed read is tried again by the next report. */
export class NoiseKey {
  private pending: Promise<Buffer> | null = null;

  constructor(private readonly load: () => Promise<Buffer>) {}

  get(): Promise<Buffer> {
    this.pending ??= this.load().catch((error: unknown) => {
      this.pending = null;
      throw error;
    });
    return this.pending;
  }
}
