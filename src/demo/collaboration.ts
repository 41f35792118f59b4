// A reproducible, realistic collaboration for the demo and the benchmark: institutes of plausible
// sizes across the regions, members with dated career and affiliation histories, fifteen years of
// conferences with their slots and talks, and the committee's current work (open nominations, a few
// invitations). Pure: the same options always give the same rows; nothing here touches a database.
import { AllocationStatus, CAREER_STAGES, CareerStage, ConferenceTier, Gender, NominationStatus, Role, TalkType } from '../common/enums';
import { chance, integer, logNormal, pick, Random, randomStream, uniform, uuid, weighted, WeightedTable } from './random';

export interface CollaborationOptions {
  /** The day the data is generated for: histories end here, later conferences are upcoming. */
  today: string;
  seed?: number;
  members?: number;
  /** Recorded past talks in total (default 3 per member). */
  talks?: number;
  /** Adds one upcoming slot with this many nominees (the benchmark's candidate list). */
  crowdedSlotNominees?: number;
  /** Institutes the database already has (the first migration seeds CERN and JINR Dubna), by name. */
  existingInstitutes?: Readonly<Record<string, string>>;
}

export interface GeneratedInstitute {
  id: string;
  name: string;
  country: string;
  regionOverride: string | null;
  /** Already in the database: reuse, do not insert. */
  existing: boolean;
}

export interface DatedCareerStage {
  validFrom: string;
  careerStage: CareerStage;
}
export interface DatedAffiliation {
  validFrom: string;
  instituteId: string;
}

export interface GeneratedMember {
  id: string;
  externalId: string;
  name: string;
  email: string;
  gender: Gender;
  instituteId: string;
  careerStage: CareerStage;
  joinedOn: string;
  leftOn: string | null;
  careerStages: DatedCareerStage[];
  affiliations: DatedAffiliation[];
}

export interface GeneratedUser {
  id: string;
  name: string;
  email: string;
  roles: Role[];
  /** A member's own account (role member): the member record it is linked to. */
  memberId?: string;
}

export interface GeneratedConference {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
  country: string;
  tier: ConferenceTier;
}

export interface GeneratedSlot {
  id: string;
  conferenceId: string;
  title: string;
  talkType: TalkType;
  seats: number;
  topic: string;
}

export interface GeneratedTalk {
  id: string;
  memberId: string;
  conferenceId: string;
  talkType: TalkType;
  date: string;
  title: string;
  careerStage: CareerStage;
  instituteId: string;
  allocationId: string | null;
}

export interface GeneratedNomination {
  id: string;
  memberId: string;
  slotId: string;
  nominatorId: string;
  reason: string;
  status: NominationStatus;
  careerStage: CareerStage;
  instituteId: string;
  createdAt: string;
}

export interface GeneratedAllocation {
  id: string;
  slotId: string;
  memberId: string;
  nominationId: string;
  status: AllocationStatus;
  rationale: string;
  declineReason: string | null;
  allocatedBy: string;
  createdAt: string;
  respondedAt: string | null;
}

export interface Collaboration {
  today: string;
  institutes: GeneratedInstitute[];
  members: GeneratedMember[];
  users: GeneratedUser[];
  conferences: GeneratedConference[];
  slots: GeneratedSlot[];
  nominations: GeneratedNomination[];
  allocations: GeneratedAllocation[];
  /** The slot with `crowdedSlotNominees` nominees, if asked for. */
  crowdedSlotId: string | null;
  /** How many rows `talks()` yields. */
  talkCount: number;
  /** The talk history, generated lazily (a million rows need not sit in memory). */
  talks(): Generator<GeneratedTalk>;
}

// ---------------------------------------------------------------------------------------------
// Calendar

const MS_PER_DAY = 86_400_000;
const DAYS_PER_YEAR = 365.25;
const isoCache = new Map<number, string>();

function dayOf(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY);
}

function isoOf(day: number): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    isoCache.set(day, iso);
  }
  return iso;
}

function timestampOf(day: number, random: Random): string {
  return new Date(day * MS_PER_DAY + integer(random, 8 * 3600, 19 * 3600) * 1000).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Institutes: member shares per country (USA and CERN largest), institutes per country.

interface CountryPlan {
  country: string;
  share: number;
  institutes: number;
  cities: string[];
  labs?: string[];
}

const COUNTRY_PLAN: CountryPlan[] = [
  {
    country: 'US',
    share: 0.23,
    institutes: 50,
    labs: [
      'Fermi National Accelerator Laboratory',
      'Brookhaven National Laboratory',
      'Argonne National Laboratory',
      'Lawrence Berkeley National Laboratory',
    ],
    cities: [
      'Chicago',
      'Boston',
      'Princeton',
      'Madison',
      'Ann Arbor',
      'Seattle',
      'Austin',
      'Houston',
      'Pittsburgh',
      'Baltimore',
      'Rochester',
      'Minneapolis',
      'Columbus',
      'Champaign',
      'Irvine',
      'San Diego',
      'Santa Barbara',
      'Davis',
      'Riverside',
      'Boulder',
      'Tallahassee',
      'Gainesville',
      'Lincoln',
      'Lawrence',
      'Iowa City',
      'Notre Dame',
      'West Lafayette',
      'Evanston',
      'Providence',
      'Ithaca',
      'Stony Brook',
      'New Brunswick',
      'Knoxville',
      'Nashville',
      'Dallas',
      'Tucson',
      'Albuquerque',
      'Salt Lake City',
      'Eugene',
      'Lubbock',
      'Baton Rouge',
      'Charlottesville',
      'Chapel Hill',
      'Amherst',
      'Syracuse',
      'Buffalo',
    ],
  },
  {
    country: 'DE',
    share: 0.075,
    institutes: 19,
    labs: ['DESY Hamburg', 'Karlsruhe Institute of Technology'],
    cities: [
      'Aachen',
      'Hamburg',
      'Bonn',
      'Freiburg',
      'Heidelberg',
      'Mainz',
      'Munich',
      'Dortmund',
      'Wuppertal',
      'Berlin',
      'Dresden',
      'Goettingen',
      'Giessen',
      'Siegen',
      'Wuerzburg',
      'Frankfurt',
      'Erlangen',
    ],
  },
  {
    country: 'IT',
    share: 0.085,
    institutes: 22,
    labs: ['INFN Laboratori Nazionali di Frascati'],
    cities: [
      'Bologna',
      'Padova',
      'Pisa',
      'Roma',
      'Milano',
      'Torino',
      'Napoli',
      'Bari',
      'Catania',
      'Genova',
      'Firenze',
      'Pavia',
      'Perugia',
      'Trieste',
      'Lecce',
      'Cagliari',
      'Ferrara',
      'Cosenza',
      'Salerno',
      'Udine',
      'Trento',
    ],
  },
  {
    country: 'FR',
    share: 0.05,
    institutes: 12,
    labs: ['CEA Saclay IRFU'],
    cities: [
      'Paris',
      'Orsay',
      'Lyon',
      'Marseille',
      'Annecy',
      'Grenoble',
      'Strasbourg',
      'Clermont-Ferrand',
      'Palaiseau',
      'Nantes',
      'Montpellier',
    ],
  },
  {
    country: 'GB',
    share: 0.05,
    institutes: 15,
    labs: ['Rutherford Appleton Laboratory'],
    cities: [
      'Oxford',
      'Cambridge',
      'Edinburgh',
      'Glasgow',
      'Manchester',
      'Liverpool',
      'Birmingham',
      'Bristol',
      'Lancaster',
      'Sheffield',
      'Sussex',
      'Warwick',
      'Durham',
      'London',
    ],
  },
  { country: 'CH', share: 0.02, institutes: 4, labs: ['Paul Scherrer Institute'], cities: ['Zurich', 'Geneva', 'Bern'] },
  {
    country: 'RU',
    share: 0.03,
    institutes: 8,
    cities: ['Moscow', 'Protvino', 'Novosibirsk', 'Gatchina', 'Saint Petersburg', 'Tomsk', 'Dolgoprudny', 'Troitsk'],
  },
  { country: 'ES', share: 0.02, institutes: 6, cities: ['Madrid', 'Barcelona', 'Valencia', 'Santander', 'Oviedo', 'Granada'] },
  { country: 'PL', share: 0.015, institutes: 4, cities: ['Krakow', 'Warsaw', 'Lodz', 'Wroclaw'] },
  { country: 'BE', share: 0.015, institutes: 4, cities: ['Brussels', 'Leuven', 'Ghent', 'Louvain-la-Neuve'] },
  { country: 'GR', share: 0.012, institutes: 4, cities: ['Athens', 'Thessaloniki', 'Ioannina', 'Patras'] },
  { country: 'AT', share: 0.008, institutes: 2, cities: ['Vienna', 'Innsbruck'] },
  { country: 'PT', share: 0.008, institutes: 2, cities: ['Lisbon', 'Coimbra'] },
  { country: 'BG', share: 0.006, institutes: 2, cities: ['Sofia', 'Plovdiv'] },
  { country: 'FI', share: 0.006, institutes: 2, cities: ['Helsinki', 'Jyvaskyla'] },
  { country: 'HU', share: 0.006, institutes: 2, cities: ['Budapest', 'Debrecen'] },
  { country: 'RS', share: 0.005, institutes: 2, cities: ['Belgrade', 'Novi Sad'] },
  {
    country: 'CN',
    share: 0.04,
    institutes: 10,
    labs: ['Institute of High Energy Physics Beijing'],
    cities: ['Beijing', 'Shanghai', 'Hefei', 'Nanjing', 'Wuhan', 'Jinan', 'Guangzhou', 'Hangzhou', 'Changsha'],
  },
  {
    country: 'IN',
    share: 0.03,
    institutes: 8,
    labs: ['Tata Institute of Fundamental Research'],
    cities: ['Mumbai', 'Delhi', 'Kolkata', 'Chennai', 'Chandigarh', 'Bhubaneswar', 'Kanpur'],
  },
  { country: 'KR', share: 0.02, institutes: 6, cities: ['Seoul', 'Daegu', 'Gwangju', 'Daejeon', 'Busan', 'Jeonju'] },
  { country: 'IR', share: 0.006, institutes: 2, cities: ['Tehran', 'Isfahan'] },
  { country: 'PK', share: 0.006, institutes: 2, cities: ['Islamabad', 'Lahore'] },
  { country: 'MY', share: 0.003, institutes: 1, cities: ['Kuala Lumpur'] },
  { country: 'NZ', share: 0.003, institutes: 1, cities: ['Auckland'] },
  { country: 'LK', share: 0.002, institutes: 1, cities: ['Colombo'] },
  { country: 'BR', share: 0.015, institutes: 5, cities: ['Rio de Janeiro', 'Sao Paulo', 'Campinas', 'Porto Alegre', 'Belo Horizonte'] },
  { country: 'TR', share: 0.012, institutes: 5, cities: ['Ankara', 'Istanbul', 'Adana', 'Izmir', 'Bursa'] },
  { country: 'MX', share: 0.01, institutes: 4, cities: ['Mexico City', 'Puebla', 'San Luis Potosi', 'Merida'] },
  { country: 'HR', share: 0.008, institutes: 3, cities: ['Zagreb', 'Split', 'Rijeka'] },
  { country: 'UA', share: 0.006, institutes: 2, cities: ['Kharkiv', 'Kyiv'] },
  { country: 'EG', share: 0.005, institutes: 2, cities: ['Cairo', 'Alexandria'] },
  { country: 'CO', share: 0.004, institutes: 2, cities: ['Bogota', 'Medellin'] },
  { country: 'EE', share: 0.003, institutes: 1, cities: ['Tallinn'] },
  { country: 'LT', share: 0.003, institutes: 1, cities: ['Vilnius'] },
  { country: 'CY', share: 0.002, institutes: 1, cities: ['Nicosia'] },
  { country: 'EC', share: 0.002, institutes: 1, cities: ['Quito'] },
  { country: 'IE', share: 0.002, institutes: 1, cities: ['Dublin'] },
  { country: 'KW', share: 0.002, institutes: 1, cities: ['Kuwait City'] },
  { country: 'LB', share: 0.002, institutes: 1, cities: ['Beirut'] },
  { country: 'ME', share: 0.002, institutes: 1, cities: ['Podgorica'] },
  { country: 'QA', share: 0.002, institutes: 1, cities: ['Doha'] },
  { country: 'SA', share: 0.002, institutes: 1, cities: ['Riyadh'] },
  { country: 'OM', share: 0.001, institutes: 1, cities: ['Muscat'] },
  // Countries the region scheme does not map yet: they show up in the data-quality listing.
  { country: 'JP', share: 0.004, institutes: 1, cities: ['Tsukuba'] },
  { country: 'AU', share: 0.003, institutes: 1, cities: ['Melbourne'] },
  { country: 'TH', share: 0.002, institutes: 1, cities: ['Bangkok'] },
];

/** The institutes the first migration seeds, with their share of the members. */
const SEEDED_INSTITUTES = [
  { name: 'CERN', country: 'CH', regionOverride: 'CERN', share: 0.085 },
  { name: 'JINR Dubna', country: 'RU', regionOverride: 'RDMS', share: 0.02 },
];

const INSTITUTE_PATTERNS = [
  'University of %',
  '% Institute of Technology',
  '% State University',
  'Institute for Nuclear Physics %',
  'Polytechnic of %',
];

function generateInstitutes(
  random: Random,
  existing: Readonly<Record<string, string>>,
): { institute: GeneratedInstitute; weight: number }[] {
  const result: { institute: GeneratedInstitute; weight: number }[] = SEEDED_INSTITUTES.map((s) => ({
    institute: {
      id: existing[s.name] ?? uuid(random),
      name: s.name,
      country: s.country,
      regionOverride: s.regionOverride,
      existing: s.name in existing,
    },
    weight: s.share,
  }));
  const taken = new Set(result.map((r) => r.institute.name.toLowerCase()));
  for (const plan of COUNTRY_PLAN) {
    const names = [...(plan.labs ?? [])];
    for (let i = 0; names.length < plan.institutes; i++) {
      const city = plan.cities[i % plan.cities.length];
      const name = INSTITUTE_PATTERNS[Math.floor(i / plan.cities.length) % INSTITUTE_PATTERNS.length].replace('%', city);
      // Institute names are unique in the database, whatever the case.
      if (taken.has(name.toLowerCase())) continue;
      taken.add(name.toLowerCase());
      names.push(name);
    }
    // Plausible spread of sizes within a country; the first listed (the national labs) are the largest.
    const sizes = names.map(() => logNormal(random, 0.6)).sort((a, b) => b - a);
    const total = sizes.reduce((a, b) => a + b, 0);
    names.forEach((name, i) =>
      result.push({
        institute: { id: uuid(random), name, country: plan.country, regionOverride: null, existing: false },
        weight: (plan.share * sizes[i]) / total,
      }),
    );
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Members and their histories

/** Career-stage mix of a large experiment. */
const STAGE_MIX: Record<CareerStage, number> = {
  student: 0.3,
  postdoc: 0.22,
  nontenured: 0.1,
  tenured: 0.25,
  engineer: 0.1,
  other: 0.03,
};

/** Self-declared gender by career stage: women are about a quarter of students, an eighth of tenured staff. */
const WOMEN_SHARE: Record<CareerStage, number> = {
  student: 0.25,
  postdoc: 0.24,
  nontenured: 0.18,
  tenured: 0.12,
  engineer: 0.15,
  other: 0.2,
};
const NONBINARY_SHARE = 0.01;
const UNDISCLOSED_SHARE = 0.04;
const FORMER_MEMBER_SHARE = 0.06;

const LADDER: CareerStage[] = ['student', 'postdoc', 'nontenured', 'tenured'];
/** Years spent in a stage before the next promotion. */
const STAGE_YEARS: Partial<Record<CareerStage, [number, number]>> = {
  student: [3, 6],
  postdoc: [2, 5.5],
  nontenured: [3, 7],
};
/** Years already spent in the stage held today. */
const YEARS_IN_CURRENT: Record<CareerStage, [number, number]> = {
  student: [0, 5.5],
  postdoc: [0, 5],
  nontenured: [0, 6.5],
  tenured: [0, 25],
  engineer: [0, 20],
  other: [0, 10],
};
/** Chance of changing institute with a promotion to this stage. */
const MOVE_ON_PROMOTION: Partial<Record<CareerStage, number>> = { postdoc: 0.45, nontenured: 0.35, tenured: 0.25 };
/** How often members of a stage give talks, relative to each other. */
const TALK_ACTIVITY: Record<CareerStage, number> = {
  student: 0.8,
  postdoc: 1.5,
  nontenured: 1.3,
  tenured: 1,
  engineer: 0.3,
  other: 0.4,
};

const WOMEN_NAMES = [
  'Anna',
  'Maria',
  'Sofia',
  'Elena',
  'Laura',
  'Julia',
  'Chiara',
  'Marta',
  'Ines',
  'Clara',
  'Emma',
  'Hannah',
  'Lea',
  'Camille',
  'Alice',
  'Giulia',
  'Francesca',
  'Irina',
  'Olga',
  'Natalia',
  'Mei',
  'Yuki',
  'Priya',
  'Ananya',
  'Fatima',
  'Leila',
  'Sara',
  'Ewa',
  'Katarzyna',
  'Zsofia',
  'Ana',
  'Lucia',
  'Rachel',
  'Emily',
  'Sarah',
  'Jessica',
  'Min-ji',
  'Ji-woo',
  'Aylin',
  'Beatriz',
];
const MEN_NAMES = [
  'Marco',
  'Luca',
  'Paolo',
  'Thomas',
  'Michael',
  'David',
  'Daniel',
  'Jan',
  'Peter',
  'Martin',
  'Stefan',
  'Pierre',
  'Nicolas',
  'Julien',
  'Hugo',
  'Lukas',
  'Felix',
  'Jonas',
  'Andrea',
  'Giovanni',
  'Sergei',
  'Dmitri',
  'Alexei',
  'Ivan',
  'Wei',
  'Jun',
  'Hiroshi',
  'Rahul',
  'Arjun',
  'Omar',
  'Ali',
  'Mehmet',
  'Piotr',
  'Tomasz',
  'Carlos',
  'Javier',
  'James',
  'John',
  'Robert',
  'Min-jun',
];
const NEUTRAL_NAMES = ['Alex', 'Sam', 'Robin', 'Kim', 'Noa', 'Charlie', 'Jordan', 'Taylor', 'Sasha', 'Andrea', 'Ariel', 'Eden'];
const SURNAMES = [
  'Rossi',
  'Bianchi',
  'Ferrari',
  'Romano',
  'Colombo',
  'Ricci',
  'Muller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Meyer',
  'Wagner',
  'Becker',
  'Martin',
  'Bernard',
  'Dubois',
  'Durand',
  'Lefebvre',
  'Moreau',
  'Laurent',
  'Garcia',
  'Fernandez',
  'Lopez',
  'Martinez',
  'Sanchez',
  'Perez',
  'Gomez',
  'Silva',
  'Santos',
  'Oliveira',
  'Costa',
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Jackson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Hall',
  'Young',
  'King',
  'Wright',
  'Scott',
  'Green',
  'Baker',
  'Adams',
  'Nelson',
  'Evans',
  'Ivanov',
  'Smirnov',
  'Kuznetsov',
  'Popov',
  'Sokolov',
  'Lebedev',
  'Kozlov',
  'Novikov',
  'Morozov',
  'Petrov',
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Kim',
  'Lee',
  'Park',
  'Choi',
  'Jung',
  'Kang',
  'Sato',
  'Suzuki',
  'Takahashi',
  'Tanaka',
  'Sharma',
  'Gupta',
  'Singh',
  'Kumar',
  'Patel',
  'Reddy',
  'Iyer',
  'Nowak',
  'Kowalski',
  'Wisniewski',
  'Kaminski',
  'Nagy',
  'Kovacs',
  'Horvath',
  'Papadopoulos',
  'Georgiou',
  'Yilmaz',
  'Kaya',
  'Demir',
  'Hosseini',
  'Ahmadi',
  'Khan',
  'Hassan',
  'Ibrahim',
  'Novak',
  'Horak',
  'Jensen',
  'Nielsen',
  'Hansen',
  'Virtanen',
  'Korhonen',
  'Peeters',
  'Janssens',
  'Murphy',
  'Kelly',
  'Byrne',
  'Petrovic',
  'Jovanovic',
];

/** Numeric mirror of a member's histories, for fast lookups while generating a million talks. */
interface Timeline {
  member: GeneratedMember;
  joined: number;
  left: number;
  stageFrom: number[];
  stages: CareerStage[];
  affiliationFrom: number[];
  institutes: string[];
  activity: number;
}

function activeOn(t: Timeline, day: number): boolean {
  return t.joined <= day && day < t.left;
}

/** The history entry in force on a day; before the first entry the first applies (as in SQL). */
function entryAt(from: readonly number[], day: number): number {
  let index = 0;
  for (let i = 1; i < from.length; i++) if (from[i] <= day) index = i;
  return index;
}

function generateMembers(
  random: Random,
  count: number,
  today: number,
  collaborationStart: number,
  drawInstitute: (random: Random) => string,
): Timeline[] {
  const timelines: Timeline[] = [];
  for (let i = 0; i < count; i++) {
    const left = chance(random, FORMER_MEMBER_SHARE) ? today - Math.floor(uniform(random, 0.3, 9) * DAYS_PER_YEAR) : null;
    const end = left ?? today;
    const current = weighted(random, STAGE_MIX);

    // Promotions, walked back from the stage held at the end.
    const starts: [number, CareerStage][] = [];
    let start = end - Math.floor(uniform(random, ...YEARS_IN_CURRENT[current]) * DAYS_PER_YEAR);
    starts.push([start, current]);
    for (let rung = LADDER.indexOf(current) - 1; rung >= 0; rung--) {
      start -= Math.floor(uniform(random, ...STAGE_YEARS[LADDER[rung]]!) * DAYS_PER_YEAR);
      starts.unshift([start, LADDER[rung]]);
    }
    const joined = Math.min(Math.max(starts[0][0], collaborationStart + Math.floor(uniform(random, 0, 5) * DAYS_PER_YEAR)), end - 60);
    // Before joining the collaboration there is no record: the stage held then starts at the join date.
    const stageFrom: number[] = [];
    const stages: CareerStage[] = [];
    for (const [from, stage] of starts) {
      const day = Math.max(from, joined);
      if (stageFrom.length > 0 && stageFrom[stageFrom.length - 1] === day) stages[stages.length - 1] = stage;
      else {
        stageFrom.push(day);
        stages.push(stage);
      }
    }
    // Someone who joined just before leaving may have started the stage later still: the record starts at the join.
    stageFrom[0] = joined;

    const affiliationFrom = [joined];
    const affiliations = [drawInstitute(random)];
    for (let s = 1; s < stages.length; s++) {
      if (!chance(random, MOVE_ON_PROMOTION[stages[s]] ?? 0)) continue;
      let next = drawInstitute(random);
      while (next === affiliations[affiliations.length - 1]) next = drawInstitute(random);
      affiliationFrom.push(stageFrom[s]);
      affiliations.push(next);
    }

    const r = random();
    const gender: Gender =
      r < WOMEN_SHARE[current]
        ? 'woman'
        : r < WOMEN_SHARE[current] + NONBINARY_SHARE
          ? 'nonbinary'
          : r < WOMEN_SHARE[current] + NONBINARY_SHARE + UNDISCLOSED_SHARE
            ? 'undisclosed'
            : 'man';
    const first = pick(
      random,
      gender === 'woman'
        ? WOMEN_NAMES
        : gender === 'man'
          ? MEN_NAMES
          : chance(random, 0.5)
            ? NEUTRAL_NAMES
            : chance(random, 0.5)
              ? WOMEN_NAMES
              : MEN_NAMES,
    );
    const last = pick(random, SURNAMES);
    const number = String(i + 1).padStart(6, '0');
    const member: GeneratedMember = {
      id: uuid(random),
      externalId: `M${number}`,
      name: `${first} ${last}`,
      email: `${first}.${last}.${number}@members.demo.example`.toLowerCase(),
      gender,
      instituteId: affiliations[affiliations.length - 1],
      careerStage: current,
      joinedOn: isoOf(joined),
      leftOn: left === null ? null : isoOf(left),
      careerStages: stageFrom.map((day, s) => ({ validFrom: isoOf(day), careerStage: stages[s] })),
      affiliations: affiliationFrom.map((day, a) => ({ validFrom: isoOf(day), instituteId: affiliations[a] })),
    };
    timelines.push({
      member,
      joined,
      left: left ?? Number.POSITIVE_INFINITY,
      stageFrom,
      stages,
      affiliationFrom,
      institutes: affiliations,
      activity: logNormal(random, 0.8) * TALK_ACTIVITY[current],
    });
  }
  return timelines;
}

/** A member's career stage on a date, read from the dated history like member_career_stage_at(). */
export function careerStageAt(member: GeneratedMember, date: string): CareerStage {
  return member.careerStages[
    entryAt(
      member.careerStages.map((e) => dayOf(e.validFrom)),
      dayOf(date),
    )
  ].careerStage;
}

/** A member's institute on a date, like member_institute_at(). */
export function instituteAt(member: GeneratedMember, date: string): string {
  return member.affiliations[
    entryAt(
      member.affiliations.map((e) => dayOf(e.validFrom)),
      dayOf(date),
    )
  ].instituteId;
}

// ---------------------------------------------------------------------------------------------
// Conferences, slots and talks

interface Series {
  name: string;
  tier: ConferenceTier;
  month: number;
  day: number;
  days: number;
  every: 'year' | 'even' | 'odd';
  hosts: string[];
}

const SERIES: Series[] = [
  { name: 'ICHEP', tier: 'major', month: 7, day: 10, days: 8, every: 'even', hosts: ['AU', 'ES', 'US', 'KR', 'CZ', 'IT', 'CZ', 'AR'] },
  { name: 'EPS-HEP', tier: 'major', month: 7, day: 18, days: 7, every: 'odd', hosts: ['SE', 'AT', 'IT', 'DE', 'DE', 'GR', 'FR', 'PL'] },
  {
    name: 'Lepton Photon',
    tier: 'major',
    month: 8,
    day: 12,
    days: 6,
    every: 'odd',
    hosts: ['US', 'DE', 'CN', 'CA', 'MX', 'RU', 'US', 'JP'],
  },
  { name: 'Moriond EW', tier: 'major', month: 3, day: 3, days: 7, every: 'year', hosts: ['IT'] },
  { name: 'Moriond QCD', tier: 'major', month: 3, day: 17, days: 7, every: 'year', hosts: ['IT'] },
  {
    name: 'LHCP',
    tier: 'major',
    month: 6,
    day: 1,
    days: 6,
    every: 'year',
    hosts: ['ES', 'US', 'RU', 'CH', 'CA', 'IT', 'CN', 'FR', 'US', 'BE', 'CZ', 'TW', 'US', 'GB', 'JP'],
  },
  {
    name: 'Quark Matter',
    tier: 'major',
    month: 4,
    day: 20,
    days: 7,
    every: 'odd',
    hosts: ['DE', 'US', 'FR', 'CN', 'IN', 'JP', 'US', 'CH'],
  },
  { name: 'DIS', tier: 'standard', month: 4, day: 8, days: 5, every: 'year', hosts: ['DE', 'US', 'IT', 'FR', 'JP', 'GB', 'CZ', 'PL'] },
  { name: 'BOOST', tier: 'standard', month: 7, day: 25, days: 5, every: 'year', hosts: ['US', 'GB', 'DE', 'FR', 'CH', 'US'] },
  { name: 'SUSY', tier: 'standard', month: 8, day: 22, days: 6, every: 'year', hosts: ['IN', 'US', 'CN', 'KR', 'BR', 'ES', 'CH'] },
  { name: 'TOP', tier: 'standard', month: 9, day: 18, days: 5, every: 'year', hosts: ['PT', 'ES', 'BE', 'IT', 'GB', 'DE', 'FR'] },
  { name: 'PHENO', tier: 'standard', month: 5, day: 6, days: 3, every: 'year', hosts: ['US'] },
  { name: 'APS April Meeting', tier: 'standard', month: 4, day: 14, days: 4, every: 'year', hosts: ['US'] },
  { name: 'DPF', tier: 'standard', month: 8, day: 1, days: 5, every: 'odd', hosts: ['US'] },
  { name: 'Beauty', tier: 'standard', month: 9, day: 5, days: 5, every: 'year', hosts: ['GB', 'IT', 'PT', 'JP', 'ES'] },
  { name: 'CHARM', tier: 'standard', month: 5, day: 30, days: 5, every: 'even', hosts: ['US', 'CN', 'IT', 'RU', 'GB'] },
  { name: 'CKM', tier: 'standard', month: 9, day: 26, days: 5, every: 'even', hosts: ['CH', 'AT', 'IN', 'DE', 'US'] },
  { name: 'FPCP', tier: 'standard', month: 6, day: 3, days: 5, every: 'year', hosts: ['CN', 'BR', 'NZ', 'CA', 'TW', 'IT'] },
  { name: 'PASCOS', tier: 'standard', month: 6, day: 20, days: 5, every: 'year', hosts: ['ES', 'DE', 'US', 'KR', 'GB'] },
  {
    name: 'Hadron Collider Physics Symposium',
    tier: 'standard',
    month: 11,
    day: 9,
    days: 5,
    every: 'year',
    hosts: ['JP', 'US', 'IT', 'FR'],
  },
  { name: 'LHC Days in Split', tier: 'standard', month: 9, day: 30, days: 5, every: 'even', hosts: ['HR'] },
  { name: 'Hard Probes', tier: 'standard', month: 9, day: 22, days: 5, every: 'even', hosts: ['ES', 'CA', 'PT', 'CN', 'JP'] },
  { name: 'Rencontres de Blois', tier: 'standard', month: 5, day: 25, days: 6, every: 'year', hosts: ['FR', 'VN'] },
  { name: 'Lake Louise Winter Institute', tier: 'standard', month: 2, day: 16, days: 6, every: 'year', hosts: ['CA'] },
  { name: 'Aspen Winter Conference', tier: 'standard', month: 3, day: 24, days: 6, every: 'year', hosts: ['US'] },
  {
    name: 'Physics in Collision',
    tier: 'standard',
    month: 9,
    day: 11,
    days: 4,
    every: 'year',
    hosts: ['CH', 'BR', 'CN', 'TW', 'US', 'DE'],
  },
  { name: 'DPG Spring Meeting', tier: 'minor', month: 3, day: 10, days: 5, every: 'year', hosts: ['DE'] },
  { name: 'IOP HEPP and APP Annual Meeting', tier: 'minor', month: 4, day: 1, days: 3, every: 'year', hosts: ['GB'] },
  { name: 'SIF National Congress', tier: 'minor', month: 9, day: 14, days: 5, every: 'year', hosts: ['IT'] },
  { name: 'Swiss Physical Society Annual Meeting', tier: 'minor', month: 8, day: 28, days: 4, every: 'year', hosts: ['CH'] },
  { name: 'Rencontres du Vietnam', tier: 'minor', month: 8, day: 5, days: 6, every: 'year', hosts: ['VN'] },
  { name: 'Lomonosov Conference', tier: 'minor', month: 8, day: 20, days: 6, every: 'odd', hosts: ['RU'] },
  { name: 'Miami Topical Conference', tier: 'minor', month: 12, day: 14, days: 5, every: 'year', hosts: ['US'] },
  { name: 'Higgs Hunting', tier: 'minor', month: 9, day: 8, days: 3, every: 'year', hosts: ['FR'] },
  { name: 'Cracow Epiphany Conference', tier: 'minor', month: 1, day: 8, days: 3, every: 'year', hosts: ['PL'] },
  { name: 'LISHEP', tier: 'minor', month: 3, day: 20, days: 5, every: 'odd', hosts: ['BR'] },
  { name: 'Corfu Summer Institute', tier: 'minor', month: 9, day: 1, days: 10, every: 'year', hosts: ['GR'] },
  { name: 'Young Scientists Forum', tier: 'minor', month: 11, day: 20, days: 2, every: 'year', hosts: ['CH'] },
  { name: 'Zurich Phenomenology Workshop', tier: 'minor', month: 1, day: 15, days: 3, every: 'year', hosts: ['CH'] },
];

const TOPICS = [
  'Higgs boson couplings',
  'Di-Higgs production',
  'Top quark properties',
  'Searches for supersymmetry',
  'Exotic resonances',
  'Long-lived particles',
  'Dark matter at colliders',
  'Electroweak precision measurements',
  'Vector boson scattering',
  'QCD and jet substructure',
  'Heavy-ion collisions',
  'B physics and CP violation',
  'Charm and rare decays',
  'Flavour anomalies',
  'Forward physics',
  'Luminosity and detector performance',
  'Trigger and data acquisition',
  'Computing and software',
  'Machine learning in analysis',
  'Detector upgrades',
  'Standard Model cross sections',
  'Lepton flavour universality',
];
const TALK_TITLE_OPENINGS = ['Recent results on', 'New measurements of', 'Overview of', 'Highlights in', 'Status of'];

/** Slots a conference of each tier opens: [talkType, how many, seats]. */
const SLOT_PLAN: Record<ConferenceTier, [TalkType, number, number][]> = {
  major: [
    ['plenary', 3, 1],
    ['summary', 1, 1],
    ['parallel', 8, 1],
    ['parallel', 2, 2],
  ],
  standard: [
    ['plenary', 1, 1],
    ['parallel', 4, 1],
    ['poster', 1, 3],
  ],
  minor: [
    ['parallel', 2, 1],
    ['seminar', 1, 1],
    ['poster', 1, 2],
  ],
};
const SLOT_TITLE: Record<TalkType, string> = {
  plenary: 'Plenary',
  summary: 'Experimental summary',
  parallel: 'Parallel',
  poster: 'Poster',
  seminar: 'Seminar',
};
/** How many recorded talks a conference of each tier draws, relative to each other. */
const TALKS_PER_TIER: Record<ConferenceTier, number> = { major: 6, standard: 2.5, minor: 1 };
/** What kind of talk someone gives, by the career stage at the time. */
const TALK_TYPE_BY_STAGE: Record<CareerStage, Partial<Record<TalkType, number>>> = {
  student: { parallel: 55, poster: 35, seminar: 10 },
  postdoc: { parallel: 65, poster: 10, seminar: 12, plenary: 6, summary: 7 },
  nontenured: { parallel: 55, seminar: 15, plenary: 15, summary: 12, poster: 3 },
  tenured: { parallel: 35, seminar: 20, plenary: 25, summary: 20 },
  engineer: { parallel: 50, poster: 30, seminar: 20 },
  other: { parallel: 50, seminar: 30, poster: 20 },
};

function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function generateConferences(
  random: Random,
  firstYear: number,
  lastYear: number,
): { conferences: GeneratedConference[]; slots: GeneratedSlot[] } {
  const conferences: GeneratedConference[] = [];
  const slots: GeneratedSlot[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    for (const series of SERIES) {
      if ((series.every === 'even' && year % 2 !== 0) || (series.every === 'odd' && year % 2 === 0)) continue;
      const month = String(series.month).padStart(2, '0');
      const start = dayOf(`${year}-${month}-${String(series.day).padStart(2, '0')}`) + integer(random, -3, 3);
      const conference: GeneratedConference = {
        id: uuid(random),
        name: `${series.name} ${year}`,
        startDate: isoOf(start),
        endDate: isoOf(start + series.days - 1),
        country: series.hosts[(year - firstYear) % series.hosts.length],
        tier: series.tier,
      };
      conferences.push(conference);
      const topics = shuffled(random, TOPICS);
      let t = 0;
      for (const [talkType, count, seats] of SLOT_PLAN[series.tier]) {
        for (let k = 0; k < count; k++) {
          const topic = topics[t++ % topics.length];
          slots.push({
            id: uuid(random),
            conferenceId: conference.id,
            talkType,
            seats,
            topic,
            title: talkType === 'summary' ? SLOT_TITLE.summary : `${SLOT_TITLE[talkType]}: ${topic}`,
          });
        }
      }
    }
  }
  return { conferences, slots };
}

// ---------------------------------------------------------------------------------------------
// Users, nominations and allocations

const USERS: [name: string, email: string, roles: Role[]][] = [
  ['Ada Admin', 'admin@demo.example', ['admin']],
  ['Chris Committee', 'committee@demo.example', ['committee']],
  ['Nina Nominator', 'nominator@demo.example', ['nominator']],
  ['Mo Monitor', 'monitor@demo.example', ['monitor']],
  ['Cleo Contact', 'contact@demo.example', ['contact']],
  ['Dora DO co-chair', 'do-chair@demo.example', ['do-chair']],
  ['Mina Mentorship coordinator', 'mentorship@demo.example', ['mentorship-coordinator']],
  // Renamed after the member record it is linked to once the invitations are drawn (see below).
  ['A member', 'member@demo.example', ['member']],
  ['Higgs physics conveners', 'conveners.higgs@demo.example', ['nominator']],
  ['Top physics conveners', 'conveners.top@demo.example', ['nominator']],
  ['Exotica conveners', 'conveners.exotica@demo.example', ['nominator']],
  ['B physics conveners', 'conveners.bphysics@demo.example', ['nominator']],
  ['Heavy-ion conveners', 'conveners.heavyions@demo.example', ['nominator']],
  ['Detector performance conveners', 'conveners.performance@demo.example', ['nominator']],
  ['Standard Model conveners', 'conveners.sm@demo.example', ['nominator']],
];

const NOMINATION_REASONS = [
  'Leading analyst of the most recent public result in this area.',
  'Main contact of the analysis; has not presented at a major conference yet.',
  'Coordinated the combination; well placed to give the overview.',
  'Strong recent work on the calibration this result relies on.',
  'Developed the new reconstruction used in the analysis.',
  'Early-career colleague with a first-author result ready for approval.',
];
const ALLOCATION_RATIONALE = 'Chosen after discussing the candidate list; ranks and topic fit considered.';
const DECLINE_REASONS = ['Schedule conflict', 'Teaching duties', 'Travel not possible', 'Personal reasons'];
/** The committee's records start here: older conferences only have their talks recorded. */
const COMMITTEE_RECORD_YEARS = 2;

/** Draws distinct members active on a day, in proportion to how active they are. */
function drawActive(random: Random, table: WeightedTable<Timeline>, day: number, count: number, exclude: Set<Timeline>): Timeline[] {
  const chosen: Timeline[] = [];
  for (let tries = 0; chosen.length < count && tries < count * 200; tries++) {
    const t = table.draw(random);
    if (activeOn(t, day) && !exclude.has(t)) {
      exclude.add(t);
      chosen.push(t);
    }
  }
  return chosen;
}

function nominationOf(
  random: Random,
  t: Timeline,
  slot: GeneratedSlot,
  nominator: GeneratedUser,
  day: number,
  status: NominationStatus,
): GeneratedNomination {
  return {
    id: uuid(random),
    memberId: t.member.id,
    slotId: slot.id,
    nominatorId: nominator.id,
    reason: pick(random, NOMINATION_REASONS),
    status,
    careerStage: t.stages[entryAt(t.stageFrom, day)],
    instituteId: t.institutes[entryAt(t.affiliationFrom, day)],
    createdAt: timestampOf(day, random),
  };
}

// ---------------------------------------------------------------------------------------------

export function generateCollaboration(options: CollaborationOptions): Collaboration {
  const seed = options.seed ?? 42;
  const memberCount = options.members ?? 5000;
  const requestedTalks = options.talks ?? memberCount * 3;
  const todayDay = dayOf(options.today);
  const thisYear = Number(options.today.slice(0, 4));
  const firstYear = thisYear - 14;

  const instituteRows = generateInstitutes(randomStream(seed, 'institutes'), options.existingInstitutes ?? {});
  const institutes = instituteRows.map((r) => r.institute);
  const instituteTable = new WeightedTable(instituteRows, (r) => r.weight);
  const timelines = generateMembers(
    randomStream(seed, 'members'),
    memberCount,
    todayDay,
    dayOf(`${firstYear - 4}-01-01`),
    (random) => instituteTable.draw(random).institute.id,
  );
  const byActivity = new WeightedTable(timelines, (t) => t.activity);

  const { conferences, slots } = generateConferences(randomStream(seed, 'conferences'), firstYear, thisYear + 1);
  const conferenceById = new Map(conferences.map((c) => [c.id, c]));

  const userRandom = randomStream(seed, 'users');
  const users: GeneratedUser[] = USERS.map(([name, email, roles]) => ({ id: uuid(userRandom), name, email, roles }));
  const committee = users.find((u) => u.roles.includes('committee'))!;
  const nominators = users.filter((u) => u.roles.includes('nominator'));

  // The committee's work: decided slots of the last two years (accepted talks recorded), open ones ahead.
  const random = randomStream(seed, 'nominations');
  const nominations: GeneratedNomination[] = [];
  const allocations: GeneratedAllocation[] = [];
  const allocatedTalks: GeneratedTalk[] = [];
  const recordsFrom = dayOf(`${thisYear - COMMITTEE_RECORD_YEARS + 1}-01-01`);
  for (const slot of slots) {
    const conference = conferenceById.get(slot.conferenceId)!;
    const start = dayOf(conference.startDate);
    const end = dayOf(conference.endDate);
    if (start < recordsFrom) continue;
    if (end < todayDay) {
      const nominatedOn = start - integer(random, 45, 120);
      const nominees = drawActive(random, byActivity, nominatedOn, slot.seats + integer(random, 1, 4), new Set());
      let seatsLeft = slot.seats;
      for (const t of nominees) {
        const activeAtTalk = activeOn(t, end);
        const status = seatsLeft > 0 && activeAtTalk ? 'allocated' : 'rejected';
        const nomination = nominationOf(random, t, slot, pick(random, nominators), nominatedOn, status);
        nominations.push(nomination);
        if (status === 'rejected') continue;
        const invitedOn = nominatedOn + integer(random, 10, 30);
        const declined = chance(random, 0.12);
        const allocation: GeneratedAllocation = {
          id: uuid(random),
          slotId: slot.id,
          memberId: t.member.id,
          nominationId: nomination.id,
          status: declined ? 'declined' : 'accepted',
          rationale: ALLOCATION_RATIONALE,
          declineReason: declined ? pick(random, DECLINE_REASONS) : null,
          allocatedBy: committee.id,
          createdAt: timestampOf(invitedOn, random),
          respondedAt: timestampOf(invitedOn + integer(random, 1, 14), random),
        };
        allocations.push(allocation);
        // As the service does it: a declined invitation sends the nomination back to the shortlist.
        if (declined) {
          nomination.status = 'shortlisted';
          continue;
        }
        seatsLeft--;
        const talkDay = integer(random, start, end);
        allocatedTalks.push({
          id: uuid(random),
          memberId: t.member.id,
          conferenceId: conference.id,
          talkType: slot.talkType,
          date: isoOf(talkDay),
          title: slot.title,
          careerStage: t.stages[entryAt(t.stageFrom, talkDay)],
          instituteId: t.institutes[entryAt(t.affiliationFrom, talkDay)],
          allocationId: allocation.id,
        });
      }
    } else if (start > todayDay) {
      const nominees = drawActive(random, byActivity, todayDay, integer(random, 2, 7), new Set());
      const invite = chance(random, 0.12);
      for (const [k, t] of nominees.entries()) {
        const nominatedOn = todayDay - integer(random, 1, 80);
        const allocated = invite && k === 0;
        const status: NominationStatus = allocated
          ? 'allocated'
          : weighted(random, { submitted: 62, shortlisted: 30, withdrawn: 4, rejected: 4 });
        const nomination = nominationOf(random, t, slot, pick(random, nominators), nominatedOn, status);
        nominations.push(nomination);
        if (!allocated) continue;
        const answer: AllocationStatus = weighted(random, { invited: 50, accepted: 35, declined: 15 });
        if (answer === 'declined') nomination.status = 'shortlisted';
        const invitedOn = Math.min(todayDay - 1, nominatedOn + integer(random, 1, 20));
        allocations.push({
          id: uuid(random),
          slotId: slot.id,
          memberId: t.member.id,
          nominationId: nomination.id,
          status: answer,
          rationale: ALLOCATION_RATIONALE,
          declineReason: answer === 'declined' ? pick(random, DECLINE_REASONS) : null,
          allocatedBy: committee.id,
          createdAt: timestampOf(invitedOn, random),
          respondedAt: answer === 'invited' ? null : timestampOf(Math.min(todayDay, invitedOn + integer(random, 1, 10)), random),
        });
      }
    }
  }

  // The benchmark's slot: one upcoming plenary with a long candidate list.
  let crowdedSlotId: string | null = null;
  const crowded = options.crowdedSlotNominees ?? 0;
  if (crowded > 0) {
    const crowdRandom = randomStream(seed, 'crowded-slot');
    const conference = conferences.find((c) => c.tier === 'major' && dayOf(c.startDate) > todayDay)!;
    const slot: GeneratedSlot = {
      id: uuid(crowdRandom),
      conferenceId: conference.id,
      talkType: 'plenary',
      seats: 1,
      topic: 'Collaboration highlights',
      title: 'Plenary: Collaboration highlights (open call)',
    };
    slots.push(slot);
    crowdedSlotId = slot.id;
    const current = timelines.filter((t) => activeOn(t, todayDay));
    for (const t of shuffled(crowdRandom, current).slice(0, crowded)) {
      nominations.push(
        nominationOf(crowdRandom, t, slot, pick(crowdRandom, nominators), todayDay - integer(crowdRandom, 1, 30), 'submitted'),
      );
    }
  }

  const pastConferences = conferences.filter((c) => dayOf(c.endDate) < todayDay);
  const talkCount = Math.max(requestedTalks, allocatedTalks.length);

  function* talks(): Generator<GeneratedTalk> {
    yield* allocatedTalks;
    const talkRandom = randomStream(seed, 'talks');
    const conferenceTable = new WeightedTable(pastConferences, (c) => TALKS_PER_TIER[c.tier]);
    const bounds = new Map(pastConferences.map((c) => [c.id, [dayOf(c.startDate), dayOf(c.endDate)] as const]));
    const typeTables = new Map(
      CAREER_STAGES.map((stage) => {
        const types = Object.entries(TALK_TYPE_BY_STAGE[stage]) as [TalkType, number][];
        return [stage, new WeightedTable(types, ([, w]) => w)] as const;
      }),
    );
    let misses = 0;
    for (let n = allocatedTalks.length; n < talkCount;) {
      if (misses > 10_000) throw new Error('Too few members to give the talks: ask for more members or fewer talks');
      const conference = conferenceTable.draw(talkRandom);
      const [start, end] = bounds.get(conference.id)!;
      const day = integer(talkRandom, start, end);
      let speaker = byActivity.draw(talkRandom);
      // Early conferences had fewer of today's members; a small collaboration may have nobody then.
      for (let tries = 0; tries < 1000 && !activeOn(speaker, day); tries++) speaker = byActivity.draw(talkRandom);
      if (!activeOn(speaker, day)) {
        misses++;
        continue;
      }
      misses = 0;
      n++;
      const careerStage = speaker.stages[entryAt(speaker.stageFrom, day)];
      const topic = pick(talkRandom, TOPICS);
      yield {
        id: uuid(talkRandom),
        memberId: speaker.member.id,
        conferenceId: conference.id,
        talkType: typeTables.get(careerStage)!.draw(talkRandom)[0],
        date: isoOf(day),
        title: `${pick(talkRandom, TALK_TITLE_OPENINGS)} ${topic.charAt(0).toLowerCase()}${topic.slice(1)}`,
        careerStage,
        instituteId: speaker.institutes[entryAt(speaker.affiliationFrom, day)],
        allocationId: null,
      };
    }
  }

  // The member's own account belongs to someone with a history and an invitation still to answer.
  const memberUser = users.find((u) => u.roles.includes('member'))!;
  const invited = allocations.find((a) => a.status === 'invited') ?? allocations[0];
  const linked = timelines.find((t) => t.member.id === invited?.memberId) ?? timelines[0];
  Object.assign(memberUser, { memberId: linked.member.id, name: linked.member.name });

  return {
    today: options.today,
    institutes,
    members: timelines.map((t) => t.member),
    users,
    conferences,
    slots,
    nominations,
    allocations,
    crowdedSlotId,
    talkCount,
    talks,
  };
}
