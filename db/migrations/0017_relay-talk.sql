CREATE TYPE "public"."relay_message_kind" AS ENUM('notice', 'question', 'answer');--> statement-breakpoint
CREATE TABLE "relay_messages" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"relay_id" uuid NOT NULL,
	"kind" "relay_message_kind" NOT NULL,
	"author_user_id" uuid NOT NULL,
	"merchant_id" uuid,
	"household_id" uuid,
	"parent_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hidden_at" timestamp with time zone,
	"hidden_by" uuid,
	"hidden_reason" text,
	CONSTRAINT "relay_messages_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "relay_messages_shape" CHECK (("relay_messages"."kind" = 'question' and "relay_messages"."household_id" is not null and "relay_messages"."parent_id" is null and "relay_messages"."merchant_id" is null)
       or ("relay_messages"."kind" = 'answer' and "relay_messages"."parent_id" is not null and "relay_messages"."merchant_id" is not null)
       or ("relay_messages"."kind" = 'notice' and "relay_messages"."parent_id" is null and "relay_messages"."merchant_id" is not null)),
	CONSTRAINT "relay_messages_body_nonempty" CHECK (length("relay_messages"."body") > 0),
	CONSTRAINT "relay_messages_hidden_reason" CHECK ("relay_messages"."hidden_at" is null or "relay_messages"."hidden_reason" is not null)
);
--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_community_id_relay_id_relays_community_id_id_fk" FOREIGN KEY ("community_id","relay_id") REFERENCES "public"."relays"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_community_id_parent_id_relay_messages_community_id_id_fk" FOREIGN KEY ("community_id","parent_id") REFERENCES "public"."relay_messages"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "relay_messages_community_id_relay_id_created_at_index" ON "relay_messages" USING btree ("community_id","relay_id","created_at");--> statement-breakpoint
CREATE INDEX "relay_messages_community_id_relay_id_household_id_created_at_index" ON "relay_messages" USING btree ("community_id","relay_id","household_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_messages_one_answer" ON "relay_messages" USING btree ("community_id","parent_id") WHERE "relay_messages"."kind" = 'answer' and "relay_messages"."hidden_at" is null;