using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pharos.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class BugWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BugCategory",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ParentId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BugCategory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BugCategory_BugCategory_ParentId",
                        column: x => x.ParentId,
                        principalTable: "BugCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "BugReport",
                columns: table => new
                {
                    TicketId = table.Column<Guid>(type: "uuid", nullable: false),
                    Stage = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Steps = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Environment = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Expected = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Actual = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ReproducedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CategoryId = table.Column<Guid>(type: "uuid", nullable: true),
                    RootCause = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    RootCauseNote = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ClassifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DevOwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    TestOwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    ExternalLink = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ExternalState = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    HandedOverAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FixedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BugReport", x => x.TicketId);
                    table.ForeignKey(
                        name: "FK_BugReport_BugCategory_CategoryId",
                        column: x => x.CategoryId,
                        principalTable: "BugCategory",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_BugReport_Ticket_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Ticket",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BugCategory_ParentId_Name",
                table: "BugCategory",
                columns: new[] { "ParentId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BugReport_CategoryId_ClassifiedAt",
                table: "BugReport",
                columns: new[] { "CategoryId", "ClassifiedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BugReport");

            migrationBuilder.DropTable(
                name: "BugCategory");
        }
    }
}
