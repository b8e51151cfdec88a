/** Field schemas the roster verbs' `Input`s share (each verb owns its own `Input`). */
import { z } from 'zod';
import { safeText } from '@/server/services/shared/zod';
import { CARE_CATEGORIES, LIMITS } from './constants';

export const Number16 = safeText({ min: 1, max: LIMITS.numberLength });
export const RouteOrder = z.number().int().min(1).max(100_000);
export const Phone = safeText({ min: 3, max: 32 });
export const Name = safeText({ max: LIMITS.nameLength });
export const Room = safeText({ min: 1, max: LIMITS.roomLength });
export const StaffRoleEnum = z.enum(['volunteer', 'admin', 'owner']);
export const AssignmentRoleEnum = z.enum(['leader', 'volunteer']);
export const CareCategoryEnum = z.enum(CARE_CATEGORIES);
export const Floor = z.number().int().min(LIMITS.minFloor).max(LIMITS.maxFloor);
export const Headcount = z.number().int().min(1).max(LIMITS.maxHeadcount);
