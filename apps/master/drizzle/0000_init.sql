CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`info` blob NOT NULL,
	`state` text NOT NULL,
	`changed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `quotas` (
	`role` text PRIMARY KEY NOT NULL,
	`guarantees` text NOT NULL,
	`limits` text NOT NULL,
	`principal` text
);
--> statement-breakpoint
CREATE TABLE `weights` (
	`role` text PRIMARY KEY NOT NULL,
	`weight` real NOT NULL
);
