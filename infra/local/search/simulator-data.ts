/**
 * The simulator's vocabulary: name parts of many origins (so that apostrophes, hyphens, accents,
 * particles and Mc/Mac appear), common nicknames, and Connecticut towns (public geography). People
 * are made by combining parts at random: every person the simulator makes is synthetic.
 */

export const FIRST_MALE = [
  'James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles', 'Christopher', 'Daniel', 'Matthew', 'Anthony',
  'Mark', 'Steven', 'Paul', 'Andrew', 'Joshua', 'Kevin', 'Brian', 'Edward', 'Timothy', 'Jason', 'Jeffrey', 'Ryan', 'Jacob', 'Nicholas', 'Eric',
  'Jonathan', 'Stephen', 'Benjamin', 'Samuel', 'Patrick', 'Alexander', 'Francis', 'Gregory', 'Raymond', 'Lawrence', 'José', 'Luis', 'Carlos', 'Juan',
  'Miguel', 'Ángel', 'Jesús', 'Andrés', 'Francisco', 'Héctor', 'Sean', 'Liam', 'Declan', 'Kwame', 'Tyrone', 'DeShawn', 'Malik', 'Jamal', 'Wei',
  'Minh', 'Raj', 'Arjun', 'Omar', 'Ahmed', 'Dmitri', 'Piotr', 'Giovanni', 'François', 'Björn', 'Mateo', 'Jean-Luc', 'Luca',
] as const;

export const FIRST_FEMALE = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Nancy', 'Margaret', 'Lisa', 'Sandra',
  'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle', 'Katherine', 'Rebecca', 'Deborah', 'Stephanie', 'Christine', 'Maria', 'Ana', 'Lucía', 'Sofía',
  'Zoë', 'Chloé', 'Renée', 'Siobhan', 'Aoife', 'Mei', 'Priya', 'Fatima', 'Aaliyah', 'Keisha', 'Ngozi', 'Olga', 'Agnieszka', 'Giulia', 'Anaïs',
  'Inés', 'Dolores', 'Rosa', 'Guadalupe', 'Alexandra', 'Victoria', 'Abigail', 'Theresa', 'Mary-Kate', 'Anne-Marie', 'Noëlle', 'Bríd',
] as const;

/** Formal name → the nicknames some sources file people under. */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  William: ['Bill', 'Will', 'Billy'],
  Robert: ['Bob', 'Rob', 'Bobby'],
  Richard: ['Rick', 'Dick', 'Rich'],
  James: ['Jim', 'Jimmy', 'Jamie'],
  John: ['Jack', 'Johnny'],
  Michael: ['Mike', 'Mikey'],
  Joseph: ['Joe', 'Joey'],
  Thomas: ['Tom', 'Tommy'],
  Charles: ['Chuck', 'Charlie'],
  Christopher: ['Chris'],
  Daniel: ['Dan', 'Danny'],
  Matthew: ['Matt'],
  Anthony: ['Tony'],
  Steven: ['Steve'],
  Stephen: ['Steve'],
  Andrew: ['Andy', 'Drew'],
  Edward: ['Ed', 'Ted', 'Eddie'],
  Timothy: ['Tim'],
  Jeffrey: ['Jeff'],
  Nicholas: ['Nick'],
  Jonathan: ['Jon'],
  Benjamin: ['Ben'],
  Samuel: ['Sam'],
  Patrick: ['Pat'],
  Alexander: ['Alex'],
  Francis: ['Frank'],
  Gregory: ['Greg'],
  Raymond: ['Ray'],
  Lawrence: ['Larry'],
  Joshua: ['Josh'],
  Jacob: ['Jake'],
  Kevin: ['Kev'],
  José: ['Pepe'],
  Francisco: ['Paco', 'Pancho'],
  Elizabeth: ['Liz', 'Beth', 'Betsy'],
  Margaret: ['Peggy', 'Maggie', 'Meg'],
  Patricia: ['Pat', 'Patty', 'Trish'],
  Jennifer: ['Jen', 'Jenny'],
  Katherine: ['Kate', 'Kathy', 'Katie'],
  Rebecca: ['Becky'],
  Susan: ['Sue', 'Susie'],
  Kimberly: ['Kim'],
  Jessica: ['Jess'],
  Deborah: ['Debbie', 'Deb'],
  Stephanie: ['Steph'],
  Christine: ['Chris', 'Tina'],
  Alexandra: ['Alex', 'Sasha'],
  Victoria: ['Vicky', 'Tori'],
  Abigail: ['Abby'],
  Theresa: ['Terry', 'Tess'],
  Dolores: ['Lola'],
  Guadalupe: ['Lupe'],
  Sandra: ['Sandy'],
  Barbara: ['Barb'],
  Nancy: ['Nan'],
};

export const LAST = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson',
  'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez',
  'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson',
  'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', "O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "D'Angelo", "D'Amico",
  "D'Souza", 'McDonald', 'MacDonald', 'McCarthy', 'MacKenzie', 'McLaughlin', 'de la Cruz', 'De Jesus', 'del Rosario', 'Van der Berg', 'van Dijk',
  'De Luca', 'St. John', 'Núñez', 'Muñoz', 'Peña', 'Ibáñez', 'Gómez', 'Álvarez', 'Ortíz', 'Müller', 'Schröder', 'Kowalski', 'Wiśniewski', 'Nowak',
  'Santos', 'Pereira', 'Gonçalves', 'Rossi', 'Esposito', 'Russo', 'Bianchi', 'Ferraro', 'Kim', 'Park', 'Chen', 'Wang', 'Patel', 'Shah', 'Okafor',
  'Mensah', 'Haddad', 'Khoury', 'Cohen', 'Levy', 'Murphy', 'Kelly', 'Sullivan', 'Byrne', 'Walsh', 'Brennan', 'Quinn', 'Lefebvre', 'Béland',
  'Côté', 'Gagnon', 'Thibodeau', 'Zając', 'Løvaas', 'Ó Súilleabháin',
] as const;

/** Connecticut towns (public geography), with a weight for how often records name them. */
export const TOWNS: readonly (readonly [string, number])[] = [
  ['Bridgeport', 9], ['New Haven', 9], ['Hartford', 9], ['Stamford', 7], ['Waterbury', 7], ['Norwalk', 5], ['Danbury', 5], ['New Britain', 5],
  ['West Hartford', 4], ['Greenwich', 4], ['Fairfield', 3], ['Hamden', 3], ['Bristol', 3], ['Meriden', 3], ['Manchester', 3], ['West Haven', 3],
  ['Milford', 3], ['Stratford', 3], ['East Hartford', 3], ['Middletown', 3], ['Wallingford', 2], ['Enfield', 2], ['Southington', 2], ['Shelton', 2],
  ['Norwich', 2], ['Torrington', 2], ['Trumbull', 2], ['Glastonbury', 2], ['Naugatuck', 2], ['Newington', 2], ['Cheshire', 2], ['Vernon', 2],
  ['Windsor', 2], ['New London', 2], ['Branford', 1], ['Newtown', 1], ['Groton', 1], ['Wethersfield', 1], ['Ridgefield', 1], ['Farmington', 1],
  ['Simsbury', 1], ['South Windsor', 1], ['North Haven', 1], ['Mansfield', 1], ['Bloomfield', 1], ['Windham', 1], ['East Haven', 1],
  ['Wolcott', 1], ['Seymour', 1], ['Ansonia', 1], ['Derby', 1], ['Killingly', 1], ['Plainville', 1], ['Rocky Hill', 1], ['Guilford', 1],
  ['Old Saybrook', 1], ['Putnam', 1], ['Winchester', 1], ['Coventry', 1], ['Tolland', 1], ['Canterbury', 1], ['Salisbury', 1], ['Stonington', 1],
];

/** Superior Court locations the simulated dockets use: a location code and its name. */
export const COURTS: readonly (readonly [string, string])[] = [
  ['H14H', 'Hartford GA 14'], ['N23N', 'New Haven GA 23'], ['F02B', 'Bridgeport GA 2'], ['U04W', 'Waterbury GA 4'], ['S01S', 'Stamford GA 1'],
  ['S20N', 'Norwalk GA 20'], ['D03D', 'Danbury GA 3'], ['H15N', 'New Britain GA 15'], ['K10K', 'New London GA 10'], ['M09M', 'Middletown GA 9'],
  ['H12M', 'Manchester GA 12'], ['N07M', 'Meriden GA 7'], ['L18T', 'Torrington GA 18'], ['T19R', 'Rockville GA 19'], ['W11D', 'Danielson GA 11'],
];

/** Offences as the simulated records describe them: a Connecticut statute citation and words. */
export const OFFENSES: readonly (readonly [string, string])[] = [
  ['53a-61', 'Assault in the third degree'], ['53a-125b', 'Larceny in the sixth degree'], ['53a-181', 'Breach of peace in the second degree'],
  ['53a-182', 'Disorderly conduct'], ['14-227a', 'Operating under the influence'], ['14-215', 'Operating under suspension'],
  ['21a-279', 'Possession of a controlled substance'], ['53a-103', 'Burglary in the third degree'], ['53a-117a', 'Criminal mischief in the second degree'],
  ['53a-167a', 'Interfering with an officer'], ['53a-223', 'Criminal violation of a protective order'], ['53a-107', 'Criminal trespass in the first degree'],
  ['53a-60', 'Assault in the second degree'], ['53a-124', 'Larceny in the third degree'], ['29-35', 'Carrying a pistol without a permit'],
];

export const MAKES: readonly (readonly [string, readonly string[]])[] = [
  ['TOYOTA', ['CAMRY', 'COROLLA', 'RAV4']], ['HONDA', ['CIVIC', 'ACCORD', 'CR-V']], ['FORD', ['F-150', 'ESCAPE', 'FOCUS']],
  ['CHEVROLET', ['MALIBU', 'SILVERADO', 'EQUINOX']], ['NISSAN', ['ALTIMA', 'ROGUE', 'SENTRA']], ['SUBARU', ['OUTBACK', 'FORESTER']],
  ['HYUNDAI', ['ELANTRA', 'TUCSON']], ['JEEP', ['WRANGLER', 'CHEROKEE']],
];

export const DOC_FACILITIES = ['Bridgeport CC', 'Hartford CC', 'New Haven CC', 'Corrigan-Radgowski CC', 'MacDougall-Walker CI', 'Osborn CI', 'York CI', 'Cheshire CI', 'Robinson CI'] as const;

/**
 * The supervising officers simulated supervision records name (field "Supervising officer", an
 * e-mail address: dissemination tells them of a supervisee's arrest). Chosen by the person's
 * index, not drawn, so the generator's random sequence is unchanged. The first probation officer
 * is the demo person `cssd-officer` (infra/local/users.ts), who signs in to read the notices.
 */
export const PROBATION_OFFICERS = ['officer.brooks@cssd.ct.example', 'officer.santos@cssd.ct.example', 'officer.nguyen@cssd.ct.example'] as const;
export const PAROLE_OFFICERS = ['officer.malone@bopp.ct.example', 'officer.idowu@bopp.ct.example'] as const;
