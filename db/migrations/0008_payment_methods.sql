CREATE TYPE "public"."payment_method" AS ENUM('card', 'wechat_pay', 'alipay', 'cash');--> statement-breakpoint
ALTER TABLE "payments" ALTER COLUMN "stripe_payment_intent_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "merchants" ADD COLUMN "payment_methods" text[] DEFAULT '{wechat_pay,alipay,card}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "cash_on_delivery" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "relays" ADD COLUMN "cash_on_delivery" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "method" "payment_method" DEFAULT 'card' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "payer_user_id" uuid;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "collected_by" uuid;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "cash_returned_by" uuid;