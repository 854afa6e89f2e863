import { requirePageSession } from "@/lib/server/domains/auth/page-session";
import { TasksBoard } from "@/components/tasks/tasks-board";

export const metadata = { title: "Tasks · Perfpilot" };
export const dynamic = "force-dynamic";

export default async function TasksPage() {
  await requirePageSession("viewer", "/tasks");
  return (
    <>
      <h1>Tasks</h1>
      <TasksBoard />
    </>
  );
}
