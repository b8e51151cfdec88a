CREATE TYPE "public"."care_contact_outcome" AS ENUM('called', 'visited', 'need_recorded');--> statement-breakpoint
CREATE TYPE "public"."need_claim_status" AS ENUM('active', 'bought', 'delivered', 'released', 'expired');--> statement-breakpoint
CREATE TYPE "public"."need_kind" AS ENUM('medicine', 'groceries', 'help', 'other');--> statement-breakpoint
CREATE TYPE "public"."need_settlement" AS ENUM('online', 'cash', 'none');--> statement-breakpoint
CREATE TYPE "public"."need_status" AS ENUM('open', 'claimed', 'bought', 'delivered', 'settled', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."need_urgency" AS ENUM('normal', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."notice_target" AS ENUM('compound', 'buildings', 'stairwells');--> statement-breakpoint
CREATE TYPE "public"."task_claim_status" AS ENUM('claimed', 'released');--> statement-breakpoint
CREATE TYPE "public"."volunteer_application_status" AS ENUM('pending', 'accepted', 'declined');--> statement-breakpoint
CREATE TYPE "public"."volunteer_role" AS ENUM('stairwell', 'gate', 'disinfection', 'testing', 'delivery');--> statement-breakpoint
CREATE TABLE "care_contacts" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"volunteer_user_id" uuid NOT NULL,
	"outcome" "care_contact_outcome" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "care_contacts_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "need_claims" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"need_id" uuid NOT NULL,
	"volunteer_user_id" uuid NOT NULL,
	"status" "need_claim_status" DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "need_claims_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "needs" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"kind" "need_kind" NOT NULL,
	"urgency" "need_urgency" DEFAULT 'normal' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"photo_key" text,
	"status" "need_status" DEFAULT 'open' NOT NULL,
	"recorded_by" uuid NOT NULL,
	"claimed_by" uuid,
	"claimed_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"delivery_photo_key" text,
	"advanced_fen" integer DEFAULT 0 NOT NULL,
	"settlement" "need_settlement",
	"settled_at" timestamp with time zone,
	"settled_by" uuid,
	"payment_intent_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "needs_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "needs_advanced_fen_nonneg" CHECK ("needs"."advanced_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "notice_receipts" (
	"community_id" uuid NOT NULL,
	"notice_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"stairwell_id" uuid NOT NULL,
	"read_at" timestamp with time zone,
	"read_by" uuid,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" uuid,
	"informed_at" timestamp with time zone,
	"informed_by" uuid,
	CONSTRAINT "notice_receipts_community_id_notice_id_household_id_pk" PRIMARY KEY("community_id","notice_id","household_id")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"author_user_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"needs_confirm" boolean DEFAULT false NOT NULL,
	"target" "notice_target" NOT NULL,
	"target_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"household_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notices_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "task_claims" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"status" "task_claim_status" DEFAULT 'claimed' NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_out_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_claims_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_applications" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"skills" text DEFAULT '' NOT NULL,
	"availability" text DEFAULT '' NOT NULL,
	"status" "volunteer_application_status" DEFAULT 'pending' NOT NULL,
	"roles" "volunteer_role"[] DEFAULT '{}'::volunteer_role[] NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_applications_community_id_id_pk" PRIMARY KEY("community_id","id")
);
--> statement-breakpoint
CREATE TABLE "volunteer_roles" (
	"community_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" "volunteer_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_roles_community_id_user_id_role_pk" PRIMARY KEY("community_id","user_id","role")
);
--> statement-breakpoint
CREATE TABLE "volunteer_tasks" (
	"community_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"role" "volunteer_role" NOT NULL,
	"title" text NOT NULL,
	"place" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"slots" integer NOT NULL,
	"filled" integer DEFAULT 0 NOT NULL,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volunteer_tasks_community_id_id_pk" PRIMARY KEY("community_id","id"),
	CONSTRAINT "volunteer_tasks_slots_positive" CHECK ("volunteer_tasks"."slots" > 0),
	CONSTRAINT "volunteer_tasks_filled_range" CHECK ("volunteer_tasks"."filled" >= 0 and "volunteer_tasks"."filled" <= "volunteer_tasks"."slots"),
	CONSTRAINT "volunteer_tasks_time_order" CHECK ("volunteer_tasks"."ends_at" > "volunteer_tasks"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "care_contacts" ADD CONSTRAINT "care_contacts_volunteer_user_id_users_id_fk" FOREIGN KEY ("volunteer_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "care_contacts" ADD CONSTRAINT "care_contacts_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_volunteer_user_id_users_id_fk" FOREIGN KEY ("volunteer_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_community_id_need_id_needs_community_id_id_fk" FOREIGN KEY ("community_id","need_id") REFERENCES "public"."needs"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_recorded_by_users_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "needs" ADD CONSTRAINT "needs_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_receipts" ADD CONSTRAINT "notice_receipts_community_id_notice_id_notices_community_id_id_fk" FOREIGN KEY ("community_id","notice_id") REFERENCES "public"."notices"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_receipts" ADD CONSTRAINT "notice_receipts_community_id_household_id_households_community_id_id_fk" FOREIGN KEY ("community_id","household_id") REFERENCES "public"."households"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_receipts" ADD CONSTRAINT "notice_receipts_community_id_stairwell_id_stairwells_community_id_id_fk" FOREIGN KEY ("community_id","stairwell_id") REFERENCES "public"."stairwells"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_author_user_id_users_id_fk" FOREIGN KEY ("author_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_claims" ADD CONSTRAINT "task_claims_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_claims" ADD CONSTRAINT "task_claims_community_id_task_id_volunteer_tasks_community_id_id_fk" FOREIGN KEY ("community_id","task_id") REFERENCES "public"."volunteer_tasks"("community_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_applications" ADD CONSTRAINT "volunteer_applications_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_roles" ADD CONSTRAINT "volunteer_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_roles" ADD CONSTRAINT "volunteer_roles_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_tasks" ADD CONSTRAINT "volunteer_tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volunteer_tasks" ADD CONSTRAINT "volunteer_tasks_community_id_communities_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."communities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "care_contacts_community_id_household_id_created_at_index" ON "care_contacts" USING btree ("community_id","household_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "need_claims_one_live" ON "need_claims" USING btree ("community_id","need_id") WHERE "need_claims"."status" in ('active', 'bought');--> statement-breakpoint
CREATE INDEX "needs_community_id_status_created_at_index" ON "needs" USING btree ("community_id","status","created_at");--> statement-breakpoint
CREATE INDEX "needs_community_id_household_id_index" ON "needs" USING btree ("community_id","household_id");--> statement-breakpoint
CREATE INDEX "notice_receipts_community_id_notice_id_stairwell_id_index" ON "notice_receipts" USING btree ("community_id","notice_id","stairwell_id");--> statement-breakpoint
CREATE INDEX "notice_receipts_community_id_household_id_index" ON "notice_receipts" USING btree ("community_id","household_id");--> statement-breakpoint
CREATE INDEX "notices_community_id_created_at_index" ON "notices" USING btree ("community_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "task_claims_one_per_person" ON "task_claims" USING btree ("community_id","task_id","user_id") WHERE "task_claims"."status" = 'claimed';--> statement-breakpoint
CREATE INDEX "task_claims_community_id_user_id_index" ON "task_claims" USING btree ("community_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "volunteer_applications_one_pending" ON "volunteer_applications" USING btree ("community_id","user_id") WHERE "volunteer_applications"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "volunteer_tasks_community_id_starts_at_index" ON "volunteer_tasks" USING btree ("community_id","starts_at");