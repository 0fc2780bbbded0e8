CREATE TABLE `containers` (
	`id` text PRIMARY KEY NOT NULL,
	`framework_id` text NOT NULL,
	`executor_id` text NOT NULL,
	`sandbox` text NOT NULL,
	`runtime_dir` text NOT NULL,
	`helper_pid` integer NOT NULL,
	`launched_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `frameworks` (
	`id` text PRIMARY KEY NOT NULL,
	`info` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `status_updates` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`framework_id` text NOT NULL,
	`task_id` text NOT NULL,
	`uuid` text NOT NULL,
	`status` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`framework_id` text NOT NULL,
	`task_id` text NOT NULL,
	`info` blob NOT NULL,
	`state` integer NOT NULL,
	`container_id` text NOT NULL,
	`kill_requested` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`framework_id`, `task_id`)
);
