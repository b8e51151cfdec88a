export * from './platform';
export * from './roster';
export * from './merchant';
export * from './relay';
export * from './payment';
export * from './distribution';
export * from './community-care';
export * from './health';
