import fc from 'fast-check';
import {
  chiSquare1PValue,
  cochranMantelHaenszel,
  erf,
  estimateProportion,
  holmAdjust,
  normalCdf,
  standardError,
  twoProportionScoreTest,
  twoSidedPValue,
  wilsonInterval,
  Z_95,
} from './statistics';

describe('normal distribution', () => {
  it('matches tabulated values of Φ and erf to 1e-7 or better', () => {
    // Reference values: Abramowitz & Stegun tables / erfc to 16 digits.
    expect(normalCdf(0)).toBeCloseTo(0.5, 15);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 12);
    expect(normalCdf(Z_95)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300957, 14);
    // Either side of the switch from the series to the continued fraction at 3.
    expect(normalCdf(2.999)).toBeCloseTo(0.9986456634662729, 14);
    expect(normalCdf(-3.5)).toBeCloseTo(0.00023262907903552504, 16);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 12);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 12);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 12);
  });

  it('keeps far-tail probabilities relatively accurate', () => {
    expect(normalCdf(-5) / 2.866515718791946e-7).toBeCloseTo(1, 9);
    expect(normalCdf(-8) / 6.220960574271819e-16).toBeCloseTo(1, 9);
    expect(normalCdf(-10) / 7.619853024160593e-24).toBeCloseTo(1, 9);
  });

  it('is monotone and symmetric: Φ(x) + Φ(-x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -12, max: 12, noNaN: true }), fc.double({ min: 0, max: 3, noNaN: true }), (x, step) => {
        expect(normalCdf(x) + normalCdf(-x)).toBeCloseTo(1, 14);
        expect(normalCdf(x + step)).toBeGreaterThanOrEqual(normalCdf(x));
      }),
    );
  });

  it('gives two-sided and chi-square(1) p-values', () => {
    expect(twoSidedPValue(Z_95)).toBeCloseTo(0.05, 12);
    expect(twoSidedPValue(-Z_95)).toBeCloseTo(0.05, 12);
    expect(chiSquare1PValue(3.841458820694124)).toBeCloseTo(0.05, 12);
    expect(chiSquare1PValue(0)).toBe(1);
  });
});

describe('shares and their uncertainty', () => {
  it('computes share and the binomial standard error', () => {
    // 8 of 10: share 0.8, stderr sqrt(0.8 * 0.2 / 10) = sqrt(0.016) = 0.12649...
    expect(estimateProportion(8, 10).share).toBe(0.8);
    expect(standardError(8, 10)).toBeCloseTo(0.12649110640673517, 14);
    expect(estimateProportion(0, 0)).toEqual({ share: null, stderr: null, ci95: null });
  });

  it('matches the Wilson intervals tabulated by Newcombe (1998, Stat Med 17:857, method 3)', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const [l, h] = wilsonInterval(x, n)!;
      expect(l).toBeCloseTo(lo, 4);
      expect(h).toBeCloseTo(hi, 4);
    }
  });

  it('computes the Wilson interval by hand for 8 of 10', () => {
    // z² = 3.841459; centre = (0.8 + z²/20) / (1 + z²/10) = 0.992073 / 1.384146 = 0.716740;
    // half = z / 1.384146 * sqrt(0.016 + z²/400) = 1.415986 * 0.160244 = 0.226903
    const [lo, hi] = wilsonInterval(8, 10)!;
    expect(lo).toBeCloseTo(0.4901624715366418, 10);
    expect(hi).toBeCloseTo(0.9433178485456248, 10);
  });

  it('keeps the Wilson interval inside [0, 1] and around the share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          const [lo, hi] = wilsonInterval(x, n)!;
          expect(lo).toBeGreaterThanOrEqual(0);
          expect(hi).toBeLessThanOrEqual(1);
          expect(lo).toBeLessThanOrEqual(x / n + 1e-12);
          expect(hi).toBeGreaterThanOrEqual(x / n - 1e-12);
        },
      ),
    );
  });
});

describe('two-proportion score test', () => {
  it("reproduces the Physicians' Health Study (Agresti, Categorical Data Analysis): X² = 25.01", () => {
    // Placebo 189/11034 heart attacks, aspirin 104/11037. Pooled p = 293/22071 = 0.013275;
    // z = (0.017129 - 0.009423) / sqrt(0.013275 * 0.986725 * (1/11034 + 1/11037)) = 5.0014
    const test = twoProportionScoreTest(189, 11034, 104, 11037)!;
    expect(test.z).toBeCloseTo(5.001388204008378, 8);
    expect(test.z ** 2).toBeCloseTo(25.01, 2);
    expect(test.pValue).toBeCloseTo(5.691896973740857e-7, 12);
  });

  it('is antisymmetric and reports no difference for identical shares', () => {
    expect(twoProportionScoreTest(3, 10, 7, 10)!.z).toBeCloseTo(-twoProportionScoreTest(7, 10, 3, 10)!.z, 14);
    expect(twoProportionScoreTest(0, 10, 0, 20)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionScoreTest(1, 0, 1, 2)).toBeNull();
  });
});

describe('Cochran-Mantel-Haenszel', () => {
  // Penicillin and rabbits (Agresti 1990, p. 232; R's mantelhaen.test example): cured (a, c) or died
  // (b, d) with immediate injection (a, b) or a 1.5 h delay (c, d), stratified by penicillin level.
  //   level   a b c d   n   E(a) = (a+b)(a+c)/n   V(a) = (a+b)(c+d)(a+c)(b+d)/(n²(n-1))
  //   1/8     0 6 0 5  11   6·0/11 = 0             6·5·0·11/(121·10) = 0
  //   1/4     3 3 0 6  12   6·3/12 = 1.5           6·6·3·9/(144·11) = 27/44
  //   1/2     6 0 2 4  12   6·8/12 = 4             6·6·8·4/(144·11) = 8/11
  //   1       5 1 6 0  12   6·11/12 = 5.5          6·6·11·1/(144·11) = 1/4
  //   4       2 0 5 0   7   2·7/7 = 2              2·5·7·0/(49·6) = 0
  // O = 16, E = 13, V = 35/22; X² = (|16 - 13| - 0.5)² / (35/22) = 6.25 · 22/35 = 3.928571 (R: 3.9286,
  // p = 0.04747); without correction 9 · 22/35 = 5.657143.
  // OR_MH = Σad/n / Σbc/n = (18/12 + 24/12) / (6/12) = 7.
  // RBG: R = ad/n, S = bc/n, P = (a+d)/n, Q = (b+c)/n. ΣR = 3.5, ΣS = 0.5;
  //   ΣPR = (9/12)(1.5) + (10/12)(2) = 2.791667; Σ(PS+QR) = (3/12)(1.5) + (4/12)(0.5) + (2/12)(2) = 0.875;
  //   ΣQS = (7/12)(0.5) = 0.291667; var = 2.791667/(2·12.25) + 0.875/(2·1.75) + 0.291667/(2·0.25) = 47/49
  //   CI = 7·exp(∓1.959964·sqrt(47/49)) = [1.026713, 47.725133] (R's interval).
  const rabbits = [
    { a: 0, b: 6, c: 0, d: 5 },
    { a: 3, b: 3, c: 0, d: 6 },
    { a: 6, b: 0, c: 2, d: 4 },
    { a: 5, b: 1, c: 6, d: 0 },
    { a: 2, b: 0, c: 5, d: 0 },
  ];

  it('reproduces the textbook statistic, odds ratio and interval', () => {
    const result = cochranMantelHaenszel(rabbits);
    expect(result.observed).toBe(16);
    expect(result.expected).toBeCloseTo(13, 12);
    expect(result.variance).toBeCloseTo(35 / 22, 12);
    expect(result.chiSquare).toBeCloseTo(3.928571428571429, 10);
    expect(result.pValue).toBeCloseTo(0.04747, 5);
    expect(result.oddsRatio).toBeCloseTo(7, 12);
    expect(result.logOddsRatioStderr! ** 2).toBeCloseTo(47 / 49, 12);
    expect(result.ci95![0]).toBeCloseTo(1.026713, 6);
    expect(result.ci95![1]).toBeCloseTo(47.725133, 5);
    expect(result.strata).toBe(5);
  });

  it('can leave out the continuity correction', () => {
    const result = cochranMantelHaenszel(rabbits, { continuityCorrection: false });
    expect(result.chiSquare).toBeCloseTo(5.657142857142857, 10);
    expect(result.pValue).toBeCloseTo(0.017384420352066183, 10);
  });

  it("equals Pearson's chi-square times (n-1)/n for a single stratum", () => {
    // One table a=10 b=20 c=30 d=40, n=100: Pearson X² = n(ad-bc)²/((a+b)(c+d)(a+c)(b+d))
    // = 100·(400-600)²/(30·70·40·60) = 0.793651; CMH without correction = X²·99/100 = 0.785714.
    const result = cochranMantelHaenszel([{ a: 10, b: 20, c: 30, d: 40 }], { continuityCorrection: false });
    expect(result.chiSquare).toBeCloseTo(0.7857142857142857, 12);
    expect(result.oddsRatio).toBeCloseTo((10 * 40) / (20 * 30), 12);
  });

  it('answers null where the estimate does not exist', () => {
    const none = cochranMantelHaenszel([{ a: 1, b: 0, c: 0, d: 0 }]);
    expect(none).toMatchObject({ strata: 0, oddsRatio: null, ci95: null, chiSquare: null, pValue: null });
    expect(cochranMantelHaenszel([{ a: 3, b: 0, c: 2, d: 4 }]).oddsRatio).toBeNull();
  });
});

describe('Holm adjustment', () => {
  it('matches R p.adjust(method = "holm")', () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((x, i) => expect(adjusted[i]).toBeCloseTo(x, 12));
    expect(holmAdjust([])).toEqual([]);
    expect(holmAdjust([0.7, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([0.2, 0.9])).toEqual([0.4, 0.9]);
  });

  it('never lowers a p-value, keeps the order of the raw ones and stays within 1', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 40 }), (ps) => {
        const adjusted = holmAdjust(ps);
        ps.forEach((p, i) => {
          expect(adjusted[i]).toBeGreaterThanOrEqual(p);
          expect(adjusted[i]).toBeLessThanOrEqual(1);
          ps.forEach((q, j) => {
            if (p < q) expect(adjusted[i]).toBeLessThanOrEqual(adjusted[j]);
          });
        });
      }),
    );
  });
});
