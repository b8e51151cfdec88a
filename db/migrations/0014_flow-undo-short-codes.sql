ALTER TYPE "public"."bag_outcome" ADD VALUE 'undone';--> statement-breakpoint
CREATE TABLE "bag_codes" (
	"community_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"delivery_date" date NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bag_codes_community_id_order_id_pk" PRIMARY KEY("community_id","order_id"),
	CONSTRAINT "bag_codes_code_per_day" UNIQUE("community_id","delivery_date","code"),
	CONSTRAINT "bag_codes_code_shape" CHECK ("bag_codes"."code" ~ '^[0-9A-Z]{6}$')
);
--> statement-breakpoint
ALTER TABLE "relays" ADD COLUMN "close_undo_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "bag_codes" ADD CONSTRAINT "bag_codes_community_id_order_id_orders_community_id_id_fk" FOREIGN KEY ("community_id","order_id") REFERENCES "public"."orders"("community_id","id") ON DELETE no action ON UPDATE no action;