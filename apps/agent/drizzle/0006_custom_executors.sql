CREATE TABLE `executor_acknowledgements` (
	`framework_id` text NOT NULL,
	`executor_id` text NOT NULL,
	`task_id` text NOT NULL,
	`uuid` text NOT NULL,
	PRIMARY KEY(`framework_id`, `executor_id`, `task_id`, `uuid`)
);
--> statement-breakpoint
CREATE TABLE `executors` (
	`framework_id` text NOT NULL,
	`executor_id` text NOT NULL,
	`container_id` text NOT NULL,
	`info` blob NOT NULL,
	PRIMARY KEY(`framework_id`, `executor_id`)
);
