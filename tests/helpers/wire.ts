// What server/api/root.ts and the relay jobs wire at startup, for tests that call verbs directly.
import '@/server/services/payment/order-payments';
