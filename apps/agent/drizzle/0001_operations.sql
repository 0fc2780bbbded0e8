CREATE TABLE `checkpointed_resources` (
	`id` integer PRIMARY KEY NOT NULL,
	`resources` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `operation_updates` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`operation_uuid` text NOT NULL,
	`status_uuid` text NOT NULL,
	`framework_id` text,
	`status` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `operations` (
	`uuid` text PRIMARY KEY NOT NULL,
	`operation` blob NOT NULL
);
