/**
 * The cookie that remembers 只看今天有袋子的楼道 on this phone (a preference, no personal data). Its
 * own module: the server page reads it and the client board writes it, and a constant exported
 * from a 'use client' file reaches a server component as a client reference, not as the string.
 */
export const BOARD_ONLY_WITH_BAGS_COOKIE = 'linli_board_only_with_bags';
